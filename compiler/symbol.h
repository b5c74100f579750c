/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAP_SYMBOL_H
#define TAP_SYMBOL_H

#include "ast.h"

enum symbol_kind {
	SYM_GLOBAL,
	SYM_LOCAL,
	SYM_PARAM,
	SYM_FUNCTION,
};

/*
 * A named thing: a global (scalar, array or statistics), a local of a probe
 * or function, a parameter, or a function. Types are inferred over the
 * whole script; 'type' is the value type (the element type for arrays).
 */
struct symbol {
	enum symbol_kind kind;
	const char *name;
	struct ast *decl;	/* where it was declared or first assigned */
	enum tap_type type;
	struct ast *type_origin;	/* the node that fixed the type */
	int nkeys;	/* > 0: an associative array with this many keys */
	enum tap_type key_types[9];
	struct ast *key_origin[9];	/* what fixed each key's type */
	int64_t maxsize;	/* global a[N]; -1: the MAXMAPENTRIES default */
	bool wrap;	/* global a%: the oldest entries make room */
	int slot;	/* global index, or local slot in its frame */
	bool assigned, read;
	bool is_array_known;	/* nkeys decided (from a use or the decl) */
	struct ast *linear_hist;	/* the first @hist_linear of these statistics */
	int64_t hist_lo, hist_hi, hist_step;	/* and its shape */
	/* functions */
	struct symbol **params;
	int nparams;
	int nlocals;
	struct ast *body;
	enum tap_type ret;
	struct ast *ret_origin;
	bool recursive;
};

/* block-structured names of one probe or function body */
struct scope {
	struct scope *parent;
	struct symbol **syms;
	int nsyms, cap;
};

#endif
