# lang/: lexer, grammar, AST, source map and diagnostics -> liblang.a
noinst_LIBRARIES += lang/liblang.a
lang_liblang_a_SOURCES = lang/arena.c lang/arena.h lang/source.c \
	lang/source.h lang/diag.c lang/diag.h lang/ast.c lang/ast.h \
	lang/ast_print.c lang/parse.c lang/lexer_util.c lang/lexer_util.h
nodist_lang_liblang_a_SOURCES = lang/lexer.c lang/lexer.h lang/grammar.c \
	lang/grammar.h
BUILT_SOURCES += lang/lexer.c lang/lexer.h lang/grammar.c lang/grammar.h
CLEANFILES += lang/lexer.c lang/lexer.h lang/grammar.c lang/grammar.h
EXTRA_DIST += lang/lexer.l lang/grammar.y
# generated code is not ours to polish: keep its warnings out of -Werror
lang_liblang_a_CFLAGS = $(AM_CFLAGS)

# bison warnings are bugs in the grammar (conflicts included: %expect 0)
lang/grammar.c lang/grammar.h: lang/grammar.y
	$(AM_V_GEN)$(MKDIR_P) lang && \
	$(BISON) -Wall -Werror -d -o lang/grammar.c $(srcdir)/lang/grammar.y

lang/lexer.c lang/lexer.h: lang/lexer.l lang/grammar.h
	$(AM_V_GEN)$(MKDIR_P) lang && \
	$(LEX) --header-file=lang/lexer.h -o lang/lexer.c $(srcdir)/lang/lexer.l
