/* The SDT provider of sdtprog.c (tests/live/sdt.sh builds both). */
provider tapsdt {
	probe work(int, const char *);
	probe ping(long);
	probe total(int);
};
