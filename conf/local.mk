# conf/: the systemd unit and the SysV init script (with the installed
# paths), the default tapd.conf, the cron job and the logrotate snippet
conf_edit = sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@bindir[@]|$(bindir)|g'
conf/tapd.service: $(srcdir)/conf/tapd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) conf && $(conf_edit) $(srcdir)/conf/tapd.service.in >$@
conf/init.d/tap: $(srcdir)/conf/init.d/tap.in Makefile
	$(AM_V_GEN)$(MKDIR_P) conf/init.d && $(conf_edit) $(srcdir)/conf/init.d/tap.in >$@ && \
		chmod +x $@
systemdunitdir = $(prefix)/lib/systemd/system
systemdunit_DATA = conf/tapd.service
initddir = $(sysconfdir)/init.d
initd_SCRIPTS = conf/init.d/tap
tapconfdir = $(sysconfdir)/tap
dist_tapconf_DATA = conf/tapd.conf
crondir = $(sysconfdir)/cron.d
dist_cron_DATA = conf/cron.d/tap-backup
logrotatedir = $(sysconfdir)/logrotate.d
dist_logrotate_DATA = conf/logrotate.d/tap
CLEANFILES += conf/tapd.service conf/init.d/tap
EXTRA_DIST += conf/tapd.service.in conf/init.d/tap.in
