/* The SDT provider of the sdt fixture (dtrace -h / dtrace -G, see build.sh). */
provider tapfix {
	probe tick(int, const char *);
	probe req__start(int, long);
	probe counter(int);
};
