/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tap grammar: SystemTap's language, the subset real scripts use.
 * Each action is one ast_* call; names, types and probe points are checked
 * later, in compiler/sema.c, where the messages can say more.
 */
%code requires {
#include "ast.h"
#include "lexer_util.h"
#define YYLTYPE struct src_range
#define YYLTYPE_IS_DECLARED 1

typedef void *yyscan_t;
}

%code {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *ctx,
			const char *msg);

/* from the start of one token to the end of another (a ';' left out) */
#define RANGE(a, b) ((struct src_range){ (a).start, (b).end })

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                    \
	do {                                                           \
		if (N) {                                               \
			(Cur).start = YYRHSLOC(Rhs, 1).start;          \
			(Cur).end = YYRHSLOC(Rhs, N).end;              \
		} else {                                               \
			(Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; \
		}                                                      \
	} while (0)
}

%define api.pure full
%define parse.error detailed
%define parse.lac full
%locations
%param {yyscan_t scanner}
%parse-param {struct parse_ctx *ctx}
%expect 0

%union {
	struct ast *node;
	char *str;
	int64_t num;
	struct lex_strlit strlit;
	int type;
}

%token PROBE "probe" GLOBAL "global" PRIVATE "private" FUNCTION "function"
%token IF "if" ELSE "else" WHILE "while" FOR "for" FOREACH "foreach"
%token IN "in" LIMIT "limit" NEXT "next" BREAK "break" CONTINUE "continue"
%token RETURN "return" DELETE "delete" TRY "try" CATCH "catch"
%token AGG_ADD "<<<" SHL_ASSIGN "<<=" SHR_ASSIGN ">>=" EQ "==" NE "!="
%token LE "<=" GE ">=" SHL "<<" SHR ">>" LAND "&&" LOR "||" INC "++" DEC "--"
%token ADD_ASSIGN "+=" SUB_ASSIGN "-=" MUL_ASSIGN "*=" DIV_ASSIGN "/="
%token MOD_ASSIGN "%=" AND_ASSIGN "&=" OR_ASSIGN "|=" XOR_ASSIGN "^="
%token CAT_ASSIGN ".=" MATCH "=~" NOMATCH "!~" ARROW "->"
%token EMBEDDED "embedded C block"
%token <str> IDENT "identifier" TARGET "target variable"
%token <str> AT_IDENT "@-operator"
%token <num> NUMBER "number" DOLLAR_ARG "script argument" AT_ARG "string script argument"
%token <strlit> STRING "string"

%type <node> decl probe pp_list probe_point pp_comps pp_comp pp_name pp_arg
%type <node> globals global_item function params param_list param
%type <node> block stmts stmt opt_expr foreach_head foreach_keys foreach_key_list
%type <node> foreach_key foreach_array opt_limit key_list key
%type <node> expr primary args arg_list members member literal
%type <num> sort_opt pp_suffix
%type <type> type_opt
%type <str> pp_piece

%precedence EXPR_STMT
/* tokens that can start an expression: after a complete statement without
 * ';' they continue it (as SystemTap's parser does) rather than end it */
%precedence NUMBER STRING DOLLAR_ARG AT_ARG IDENT TARGET AT_IDENT '['
%precedence ';'
%precedence IFX
%precedence ELSE
%right '=' ADD_ASSIGN SUB_ASSIGN MUL_ASSIGN DIV_ASSIGN MOD_ASSIGN SHL_ASSIGN SHR_ASSIGN AND_ASSIGN OR_ASSIGN XOR_ASSIGN CAT_ASSIGN AGG_ADD
%right '?' ':'
%left LOR
%left LAND
%left '|'
%left '^'
%left '&'
%precedence IN
%left EQ NE '<' '>' LE GE MATCH NOMATCH
%left SHL SHR
%left '.'
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY '!' '~'
%precedence INC DEC
%precedence '('

%%

script
	: %empty
	| script decl			{ ast_add_decl(ctx, $2); }
	;

decl
	: probe
	| GLOBAL globals		{ $$ = $2; }
	| PRIVATE GLOBAL globals	{ $$ = $3; }
	| function
	| EMBEDDED			{ $$ = ast_new(ctx, AST_EMBEDDED, @1); }
	| ';'				{ $$ = NULL; }
	| error				{ $$ = ast_bad(ctx, @1, "a script is made of 'probe', 'global' and 'function' declarations"); }
	;

probe
	: PROBE pp_list block		{ $$ = ast_node(ctx, AST_PROBE, @$, $2, NULL, $3); }
	| PROBE pp_list IF '(' expr ')' block
					{ $$ = ast_node(ctx, AST_PROBE, @$, $2, $5, $7); }
	| PROBE pp_list error		{ $$ = ast_bad(ctx, @3, "a probe point is followed by its handler in braces: probe begin { ... }"); }
	;

pp_list
	: probe_point
	| pp_list ',' probe_point	{ $$ = ast_append($1, $3); }
	;

probe_point
	: pp_comps pp_suffix		{ $$ = ast_flag(ast_node(ctx, AST_PROBE_POINT, @$, $1, NULL, NULL), (unsigned)$2); }
	;

pp_suffix
	: %empty			{ $$ = 0; }
	| '?'				{ $$ = AST_PP_OPTIONAL; }
	| '!'				{ $$ = AST_PP_OPTIONAL | AST_PP_SUFFICIENT; }
	;

pp_comps
	: pp_comp
	| pp_comps '.' pp_comp		{ $$ = ast_append($1, $3); }
	;

pp_comp
	: pp_name
	| pp_name '(' pp_arg ')'	{ $$ = ast_node(ctx, AST_PP_COMP, @$, $3, NULL, NULL); $$->name = $1->name; }
	;

pp_name
	: pp_piece			{ $$ = ast_pp_word(ctx, NULL, @1, $1); }
	| pp_name pp_piece		{ $$ = ast_pp_word(ctx, $1, @2, $2); }
	;

pp_piece
	: IDENT
	| '*'				{ $$ = "*"; }
	| RETURN			{ $$ = "return"; }
	| FUNCTION			{ $$ = "function"; }
	;

pp_arg
	: literal
	| DOLLAR_ARG			{ $$ = ast_op(ctx, AST_SCRIPT_ARG, @$, '$', NULL, NULL); $$->num = $1; }
	| AT_ARG			{ $$ = ast_op(ctx, AST_SCRIPT_ARG, @$, '@', NULL, NULL); $$->num = $1; }
	;

literal
	: NUMBER			{ $$ = ast_num(ctx, @$, $1); }
	| '-' NUMBER			{ $$ = ast_num(ctx, @$, -$2); }
	| STRING			{ $$ = ast_str(ctx, @$, $1.s, $1.len); }
	;

globals
	: global_item
	| globals ',' global_item	{ $$ = ast_append($1, $3); }
	;

global_item
	: IDENT				{ $$ = ast_global(ctx, @$, $1, NULL, -1, 0); }
	| IDENT '=' literal		{ $$ = ast_global(ctx, @$, $1, $3, -1, 0); }
	| IDENT '[' NUMBER ']'		{ $$ = ast_global(ctx, @$, $1, NULL, $3, 0); }
	| IDENT '%' '[' NUMBER ']'	{ $$ = ast_global(ctx, @$, $1, NULL, $4, AST_GLOBAL_WRAP); }
	| IDENT '%'			{ $$ = ast_global(ctx, @$, $1, NULL, -1, AST_GLOBAL_WRAP); }
	;

function
	: FUNCTION IDENT type_opt '(' params ')' block
					{ $$ = ast_typed(ast_node(ctx, AST_FUNCTION, @$, $5, $7, NULL), (enum tap_type)$3); $$->name = $2; }
	| FUNCTION IDENT type_opt '(' params ')' EMBEDDED
					{ $$ = ast_typed(ast_node(ctx, AST_FUNCTION, @$, $5, ast_new(ctx, AST_EMBEDDED, @7), NULL), (enum tap_type)$3); $$->name = $2; }
	;

type_opt
	: %empty			{ $$ = TYPE_UNKNOWN; }
	| ':' IDENT			{ $$ = ast_type_name(ctx, @2, $2); }
	;

params
	: %empty			{ $$ = NULL; }
	| param_list
	;

param_list
	: param
	| param_list ',' param		{ $$ = ast_append($1, $3); }
	;

param
	: IDENT type_opt		{ $$ = ast_typed(ast_named(ctx, AST_PARAM, @$, $1, NULL), (enum tap_type)$2); }
	;

block
	: '{' stmts '}'			{ $$ = ast_node(ctx, AST_BLOCK, @$, $2, NULL, NULL); }
	;

stmts
	: %empty			{ $$ = NULL; }
	| stmts stmt			{ $$ = ast_append($1, $2); }
	;

stmt
	: block
	| ';'				{ $$ = ast_new(ctx, AST_EMPTY, @$); }
	| expr %prec EXPR_STMT		{ $$ = ast_node(ctx, AST_EXPR_STMT, @$, $1, NULL, NULL); }
	| expr ';'			{ $$ = ast_node(ctx, AST_EXPR_STMT, @1, $1, NULL, NULL); }
	| IF '(' expr ')' stmt %prec IFX
					{ $$ = ast_node(ctx, AST_IF, @$, $3, $5, NULL); }
	| IF '(' expr ')' stmt ELSE stmt
					{ $$ = ast_node(ctx, AST_IF, @$, $3, $5, $7); }
	| IF error stmt			{ $$ = ast_bad(ctx, @2, "the condition of 'if' goes in parentheses: if (x > 0) ..."); }
	| WHILE '(' expr ')' stmt	{ $$ = ast_node(ctx, AST_WHILE, @$, $3, $5, NULL); }
	| FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt
					{ $$ = ast_node(ctx, AST_FOR, @$, $3, $5, $7); $$->d = $9; }
	| FOREACH '(' foreach_head IN foreach_array opt_limit ')' stmt
					{ $$ = ast_foreach(ctx, @$, $3, $5, $6, $8); }
	| FOREACH error stmt		{ $$ = ast_bad(ctx, @2, "foreach is written foreach ([k1, k2] in array) or foreach (v = [k] in array- limit 10)"); }
	| BREAK %prec EXPR_STMT		{ $$ = ast_new(ctx, AST_BREAK, @$); }
	| BREAK ';'			{ $$ = ast_new(ctx, AST_BREAK, @1); }
	| CONTINUE %prec EXPR_STMT	{ $$ = ast_new(ctx, AST_CONTINUE, @$); }
	| CONTINUE ';'			{ $$ = ast_new(ctx, AST_CONTINUE, @1); }
	| NEXT %prec EXPR_STMT		{ $$ = ast_new(ctx, AST_NEXT, @$); }
	| NEXT ';'			{ $$ = ast_new(ctx, AST_NEXT, @1); }
	| RETURN %prec EXPR_STMT	{ $$ = ast_new(ctx, AST_RETURN, @$); }
	| RETURN ';'			{ $$ = ast_new(ctx, AST_RETURN, @1); }
	| RETURN expr %prec EXPR_STMT	{ $$ = ast_node(ctx, AST_RETURN, @$, $2, NULL, NULL); }
	| RETURN expr ';'		{ $$ = ast_node(ctx, AST_RETURN, RANGE(@1, @2), $2, NULL, NULL); }
	| DELETE expr %prec EXPR_STMT	{ $$ = ast_node(ctx, AST_DELETE, @$, $2, NULL, NULL); }
	| DELETE expr ';'		{ $$ = ast_node(ctx, AST_DELETE, RANGE(@1, @2), $2, NULL, NULL); }
	| TRY block CATCH block		{ $$ = ast_node(ctx, AST_TRY, @$, $2, NULL, $4); }
	| TRY block CATCH '(' IDENT ')' block
					{ $$ = ast_node(ctx, AST_TRY, @$, $2, ast_named(ctx, AST_VAR, @5, $5, NULL), $7); }
	| error ';'			{ $$ = ast_bad(ctx, @1, NULL); }
	| PROBE pp_list block		{ $$ = ast_misplaced(ctx, @1, "a probe inside a block: is a '}' missing before it?"); }
	;

opt_expr
	: %empty			{ $$ = NULL; }
	| expr
	;

foreach_head
	: foreach_keys
	| IDENT '=' foreach_keys	{ $$ = ast_node(ctx, AST_ASSIGN, @$, ast_named(ctx, AST_VAR, @1, $1, NULL), $3, NULL); }
	;

foreach_keys
	: foreach_key
	| '[' foreach_key_list ']'	{ $$ = $2; }
	;

foreach_key_list
	: foreach_key
	| foreach_key_list ',' foreach_key
					{ $$ = ast_append($1, $3); }
	;

foreach_key
	: IDENT sort_opt		{ $$ = ast_foreach_key(ctx, @$, $1, (int)$2); }
	;

foreach_array
	: IDENT sort_opt		{ $$ = ast_foreach_array(ctx, @$, $1, NULL, (int)$2); }
	| IDENT AT_IDENT sort_opt	{ $$ = ast_foreach_array(ctx, @$, $1, $2, (int)$3); }
	| IDENT '[' key_list ']' sort_opt
					{ $$ = ast_foreach_array(ctx, @$, $1, NULL, (int)$5); $$->a = $3; }
	| IDENT '[' key_list ']' AT_IDENT sort_opt
					{ $$ = ast_foreach_array(ctx, @$, $1, $5, (int)$6); $$->a = $3; }
	;

/* an array's keys; '*' (any key) makes a slice: foreach ([a, b] in
 * arr[*, 3]), delete arr[*, 3], [*, 3] in arr (the compiler refuses it
 * elsewhere) */
key_list
	: key
	| key_list ',' key		{ $$ = ast_append($1, $3); }
	;

key
	: '*'				{ $$ = ast_new(ctx, AST_EMPTY, @$); }
	| expr
	;

sort_opt
	: %empty			{ $$ = 0; }
	| '+'				{ $$ = 1; }
	| '-'				{ $$ = -1; }
	;

opt_limit
	: %empty			{ $$ = NULL; }
	| LIMIT expr			{ $$ = $2; }
	;

expr
	: primary
	| expr '=' expr			{ $$ = ast_op(ctx, AST_ASSIGN, @$, '=', $1, $3); }
	| expr ADD_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '+', $1, $3); }
	| expr SUB_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '-', $1, $3); }
	| expr MUL_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '*', $1, $3); }
	| expr DIV_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '/', $1, $3); }
	| expr MOD_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '%', $1, $3); }
	| expr SHL_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, AST_OP_SHL, $1, $3); }
	| expr SHR_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, AST_OP_SHR, $1, $3); }
	| expr AND_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '&', $1, $3); }
	| expr OR_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '|', $1, $3); }
	| expr XOR_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '^', $1, $3); }
	| expr CAT_ASSIGN expr		{ $$ = ast_op(ctx, AST_ASSIGN, @$, '.', $1, $3); }
	| expr AGG_ADD expr		{ $$ = ast_op(ctx, AST_AGG_ADD, @$, 0, $1, $3); }
	| expr '?' expr ':' expr	{ $$ = ast_node(ctx, AST_TERNARY, @$, $1, $3, $5); }
	| expr LOR expr			{ $$ = ast_op(ctx, AST_LOGICAL, @$, AST_OP_LOR, $1, $3); }
	| expr LAND expr		{ $$ = ast_op(ctx, AST_LOGICAL, @$, AST_OP_LAND, $1, $3); }
	| expr '|' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '|', $1, $3); }
	| expr '^' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '^', $1, $3); }
	| expr '&' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '&', $1, $3); }
	| expr IN IDENT			{ $$ = ast_node(ctx, AST_IN, @$, $1, ast_named(ctx, AST_VAR, @3, $3, NULL), NULL); }
	| '(' expr ',' arg_list ')' IN IDENT
					{ $$ = ast_node(ctx, AST_IN, @$, ast_append($2, $4), ast_named(ctx, AST_VAR, @7, $7, NULL), NULL); }
	| '[' key_list ']' IN IDENT	{ $$ = ast_node(ctx, AST_IN, @$, $2, ast_named(ctx, AST_VAR, @5, $5, NULL), NULL); }
	| expr EQ expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_EQ, $1, $3); }
	| expr NE expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_NE, $1, $3); }
	| expr '<' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '<', $1, $3); }
	| expr '>' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '>', $1, $3); }
	| expr LE expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_LE, $1, $3); }
	| expr GE expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_GE, $1, $3); }
	| expr MATCH expr		{ $$ = ast_op(ctx, AST_REGEX, @$, AST_OP_MATCH, $1, $3); }
	| expr NOMATCH expr		{ $$ = ast_op(ctx, AST_REGEX, @$, AST_OP_NOMATCH, $1, $3); }
	| expr SHL expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_SHL, $1, $3); }
	| expr SHR expr			{ $$ = ast_op(ctx, AST_BINARY, @$, AST_OP_SHR, $1, $3); }
	| expr '.' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '.', $1, $3); }
	| expr '+' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '+', $1, $3); }
	| expr '-' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '-', $1, $3); }
	| expr '*' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '*', $1, $3); }
	| expr '/' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '/', $1, $3); }
	| expr '%' expr			{ $$ = ast_op(ctx, AST_BINARY, @$, '%', $1, $3); }
	| '!' expr			{ $$ = ast_op(ctx, AST_UNARY, @$, '!', $2, NULL); }
	| '~' expr			{ $$ = ast_op(ctx, AST_UNARY, @$, '~', $2, NULL); }
	| '-' expr %prec UNARY		{ $$ = ast_op(ctx, AST_UNARY, @$, '-', $2, NULL); }
	| '+' expr %prec UNARY		{ $$ = ast_op(ctx, AST_UNARY, @$, '+', $2, NULL); }
	| INC expr %prec UNARY		{ $$ = ast_op(ctx, AST_INCDEC, @$, AST_OP_INC, $2, NULL); }
	| DEC expr %prec UNARY		{ $$ = ast_op(ctx, AST_INCDEC, @$, AST_OP_DEC, $2, NULL); }
	| expr INC			{ $$ = ast_flag(ast_op(ctx, AST_INCDEC, @$, AST_OP_INC, $1, NULL), AST_POSTFIX); }
	| expr DEC			{ $$ = ast_flag(ast_op(ctx, AST_INCDEC, @$, AST_OP_DEC, $1, NULL), AST_POSTFIX); }
	;

primary
	: NUMBER			{ $$ = ast_num(ctx, @$, $1); }
	| STRING			{ $$ = ast_str(ctx, @$, $1.s, $1.len); }
	| DOLLAR_ARG			{ $$ = ast_op(ctx, AST_SCRIPT_ARG, @$, '$', NULL, NULL); $$->num = $1; }
	| AT_ARG			{ $$ = ast_op(ctx, AST_SCRIPT_ARG, @$, '@', NULL, NULL); $$->num = $1; }
	| IDENT %prec EXPR_STMT		{ $$ = ast_named(ctx, AST_VAR, @$, $1, NULL); }
	| IDENT '[' key_list ']'	{ $$ = ast_node(ctx, AST_INDEX, @$, ast_named(ctx, AST_VAR, @1, $1, NULL), $3, NULL); }
	| IDENT '(' args ')'		{ $$ = ast_named(ctx, AST_CALL, @$, $1, $3); }
	| TARGET members %prec EXPR_STMT	{ $$ = ast_named(ctx, AST_TARGET, @$, $1, $2); }
	| AT_IDENT '(' args ')' members %prec EXPR_STMT
					{ $$ = ast_named(ctx, AST_AT_CALL, @$, $1, $3); $$->b = $5; }
	| '(' expr ')'			{ $$ = $2; }
	;

members
	: %empty %prec EXPR_STMT	{ $$ = NULL; }
	| members member		{ $$ = ast_append($1, $2); }
	;

member
	: ARROW IDENT			{ $$ = ast_named(ctx, AST_MEMBER, @$, $2, NULL); }
	| '[' expr ']'			{ $$ = ast_node(ctx, AST_MEMBER, @$, $2, NULL, NULL); }
	;

args
	: %empty			{ $$ = NULL; }
	| arg_list
	;

arg_list
	: expr
	| arg_list ',' expr		{ $$ = ast_append($1, $3); }
	;

%%

static void yyerror(YYLTYPE *loc, yyscan_t scanner, struct parse_ctx *ctx,
			const char *msg)
{
	(void)scanner;
	diag_error(ctx->diag, *loc, "%s", msg);
}
