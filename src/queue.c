/*
 * queue.c - the durable spool: commit, list, lock, load, update, remove,
 * corrupt/ and cleanup (design.md 4, style.md 23-25).
 *
 * No RFC governs the spool; the envelope values are those of RFC 5321
 * (MAIL FROM / RCPT TO) and RFC 3461 (NOTIFY, RET, ENVID).
 *
 * LAYOUT.  queue_dir (mode 2770 root:sendsmtp, made by make install)
 * holds tmp/, queue/ and corrupt/, all on one file system (rename(2)
 * must work between them).  An entry is two files in queue/:
 *
 *	ID.msg	the message as it goes on the wire (CRLF, not
 *		dot-stuffed), written once by msg.c into tmp/ and renamed
 *		here; it never changes, so it carries the lock (below);
 *	ID.env	the envelope records, small, rewritten through tmp/ on
 *		every per-recipient state change.
 *
 * ID.env IS the entry: it appears last (commit) and disappears first
 * (remove), so a reader that sees ID.env finds a complete ID.msg next to
 * it.  A .msg without .env is an orphan (crash during commit or remove)
 * and queue_cleanup() removes it after QUEUE_STALE_AGE, like any file
 * left in tmp/.
 *
 * QUEUE ID.  "%010llX%05lX%llx": the commit time in seconds (10 upper-
 * case hex digits) and microseconds (5), then the message file's inode
 * number in lower-case hex (Postfix and dma use inode plus time).  The
 * fixed widths keep the parts apart.  While an entry exists its .msg
 * file holds that inode, so no other file on the spool file system can
 * produce the same inode, and a reused inode comes with a later time:
 * IDs are unique within the spool.  Only [0-9A-Za-z], at most
 * QUEUE_ID_MAX; every function that takes an ID from outside checks that
 * before building a path, so "../x" or "a.b" never reach the file system.
 *
 * RECORD FORMAT of ID.env (envelope.c writes and parses it).  Lines end
 * in LF.  The first line is the version, then "Key: value" records, then
 * "END" as the last line, with nothing after it:
 *
 *	sendsmtp-queue 1
 *	Sender: alice@example.com	("Sender:" alone = null sender <>)
 *	Created: 1700000000		unix time of the commit
 *	Size: 1234			octets in ID.msg (checked on load)
 *	Body: unset|7bit|8bitmime	-B
 *	Eightbit: 0|1			message has 8-bit octets
 *	Smtputf8: 0|1			addresses need SMTPUTF8
 *	Notify: never | a subset of success,failure,delay (that order) | ""
 *	Ret: unset|full|hdrs
 *	Envid: xyz			optional (absent = none)
 *	Attempts: 0			delivery attempts so far
 *	Next-Attempt: 0			unix time; 0 = due now
 *	Last-Error: text		optional
 *	Rcpt: STATE CODE ADDRESS	one per recipient, at least one;
 *					STATE pending|done|tempfail|permfail,
 *					CODE 0 or 100..599, ADDRESS the rest
 *	Rcpt-Reply: text		optional, right after its Rcpt
 *	END
 *
 * An empty value is written "Key:" (no space); otherwise exactly one
 * space follows the colon and the value runs to the end of the line.
 * The keys before the first Rcpt may come in any order, each once;
 * Envid and Last-Error may be absent, the others must be present.
 * Numbers are canonical decimals (no sign, no leading zero) bounded with
 * strtonum (bounds.h QUEUE_*).  No value may hold a control character
 * (C0 other than TAB, so CR, LF and NUL, or DEL); addresses are 1 to
 * ADDR_MAX octets (the sender 0 to ADDR_MAX), texts at most
 * QUEUE_TEXT_MAX, lines at most QUEUE_LINE_MAX, the file at most
 * QUEUE_ENV_MAX.  The writer refuses what the reader would refuse.
 *
 * DURABILITY.  queue_commit():
 *   1. fsync(message fd): the message's data and inode are on disk.
 *   2. tmp/ID.env: open O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC 0600, fchmod
 *      0640, write, fsync, close (each checked): the envelope's data is on disk
 *      before any name in queue/ refers to it.
 *   3. rename(tmp file, queue/ID.msg), then fsync(queue/).
 *   4. rename(tmp/ID.env, queue/ID.env), then fsync(queue/).
 * After 1 and 2 only directory entries remain to be made durable, and
 * rename is atomic: after a crash each name is either old or new, never
 * a partial file.  The .msg is renamed before the .env and queue/ is
 * synced in between, so no crash can leave an ID.env whose ID.msg is
 * still under its tmp/ name (where cleanup would delete it after a day).
 * ext4 and xfs journal both renames in order anyway; POSIX does not
 * promise it, and one more fsync of a directory per commit is cheap next
 * to losing mail.  The final fsync(queue/) makes ID.env itself durable:
 * only then does queue_commit return 0, and only then may the caller
 * exit 0 (design.md 3).  The rename out of tmp/ is one operation on one
 * file system; syncing queue/ commits it (on journalling file systems the
 * whole rename is one transaction), and a stale tmp/ name reappearing
 * after a crash would at worst be a second link that cleanup removes.
 * Crash outcomes: nothing in queue/ (the caller did not exit 0: the
 * client keeps the message), an orphan ID.msg (cleaned up), or a
 * complete entry.
 * queue_update(): tmp/ID.env written and fsynced, renamed over
 * queue/ID.env, queue/ fsynced: the old or the new envelope, never a mix.
 * queue_remove(): unlink ID.env, then ID.msg, fsync queue/: a crash may
 * bring the entry back (delivered twice) but never loses one.
 *
 * LOCKING.  flock(LOCK_EX|LOCK_NB) on ID.msg.  Not on ID.env: every
 * queue_update() replaces ID.env with a new inode, so a lock on the old
 * one would not stop a second runner that opens the new one.  ID.msg
 * keeps its inode from commit to removal.  A runner that opened ID.msg
 * just before another removed the entry may get the lock on an unlinked
 * file: queue_lock() re-checks the link count after locking and reports
 * QUEUE_GONE.  Locks go with the open file description: closing
 * e->msg.fd (queue_entry_free) releases it, and a forked child shares it.
 *
 * SECURITY.  Spool files are input (style.md 19): ID.env is parsed by a
 * strict parser, and both files are opened with O_NOFOLLOW|O_NONBLOCK
 * and checked with fstat on the open fd before use: regular file, one
 * link (a hard link could make us mail out another file), not writable
 * by group or others, and owned by root, by the effective uid, or by
 * the spool's group (the gid of queue/).  The last rule is the setgid
 * case: the installed binary runs with the caller's uid and group
 * sendsmtp, so an entry submitted by alice is alice:sendsmtp (the
 * directories are setgid, so new files take their group), and a runner
 * started as root or by another user must accept it.  Only members of
 * that group and root can create files in queue/ (mode 2770), and the
 * group is never a login group, so the rule admits nobody new.
 * Anything else is QUEUE_CORRUPT and is moved aside, never deleted.
 * Files are created 0600 with O_EXCL and made 0640 (readable by the
 * group, so a runner holding only the sendsmtp group can read entries
 * made by root) before they are renamed into queue/; paths are built
 * only from validated IDs.
 *
 * This file is over 600 lines because it is the one place that knows
 * the spool layout; the pieces are small functions.
 */
#include "compat.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "buf.h"
#include "envelope.h"
#include "log.h"
#include "msg.h"
#include "queue.h"
#include "util.h"

#define SPOOL_FIX	"run make install or create it with mode 2770 " \
			"root:sendsmtp"
/* Committed files: the spool's group may read, nobody else (SECURITY). */
#define QUEUE_FILE_MODE	0640

/* queue_list's walk. */
struct queue_list_ctx {
	int		(*cb)(const char *, void *);
	void		*arg;
	size_t		 n;
};

/* queue_cleanup's walks. */
struct queue_clean_ctx {
	time_t		 cutoff;
	size_t		*removed;
};

struct queue_scan_ctx {
	const char	*dir;
	int		(*cb)(const char *, enum queue_status,
			    const struct queue_entry *, const struct diag *,
			    void *);
	void		*arg;
};

static char	*queue_path(const char *dir, const char *sub, const char *id,
		    const char *ext);
static int	 queue_errno(struct diag *d, const char *verb,
		    const char *path, int err);
static int	 queue_errno_dir(struct diag *d, const char *verb,
		    const char *path, int err);
static int	 queue_errno_at(struct diag *d, const char *verb,
		    const char *path, int err, int isdir);
static int	 queue_fsync_dir(const char *path, struct diag *d);
static int	 queue_write_file(const char *path, const char *data,
		    size_t len, struct diag *d);
static int	 queue_absent(const char *path, struct diag *d);
static int	 queue_new_id(struct msg *m, off_t *size, time_t *now,
		    char *id, struct diag *d);
static enum queue_status queue_lock_msg(int fd, const char *path,
		    const char *id, int lock, struct stat *st,
		    struct diag *d);
static enum queue_status queue_open_file(const char *path, int *fdp,
		    struct stat *st, gid_t spool_gid, struct diag *d);
static enum queue_status queue_read_env(const char *path,
		    struct queue_entry *e, gid_t spool_gid, struct diag *d);
static enum queue_status queue_open_entry(const char *dir, const char *id,
		    struct queue_entry *e, int lock, struct diag *d);
static int	 queue_scan_one(const char *id, void *arg);
static int	 queue_walk(const char *dir, const char *sub,
		    int (*fn)(DIR *, const char *, const char *, void *),
		    void *arg, struct diag *d);
static int	 queue_list_one(DIR *dp, const char *path, const char *name,
		    void *arg);
static int	 queue_clean_tmp_one(DIR *dp, const char *path,
		    const char *name, void *arg);
static int	 queue_clean_orphan_one(DIR *dp, const char *path,
		    const char *name, void *arg);
static int	 queue_id_of(const char *name, const char *ext, char *id);
static void	 queue_entry_reset(struct queue_entry *e);

int
queue_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++) {
		if (i >= QUEUE_ID_MAX)
			return 0;
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'A' && id[i] <= 'Z') ||
		    (id[i] >= 'a' && id[i] <= 'z')))
			return 0;
	}
	return i > 0;
}

/* dir/sub/idext; sub and ext may be "". */
static char *
queue_path(const char *dir, const char *sub, const char *id,
    const char *ext)
{
	return xasprintf("%s/%s%s%s%s", dir, sub, *id != '\0' ? "/" : "",
	    id, ext);
}

/* Failure on a file in a spool directory. */
static int
queue_errno(struct diag *d, const char *verb, const char *path, int err)
{
	return queue_errno_at(d, verb, path, err, 0);
}

/* Failure on a spool directory itself (opendir, fsync). */
static int
queue_errno_dir(struct diag *d, const char *verb, const char *path, int err)
{
	return queue_errno_at(d, verb, path, err, 1);
}

/*
 * One line naming path, the errno text and the fix.  Missing or
 * unwritable spool: EX_CANTCREAT (installation); the rest EX_TEMPFAIL.
 */
static int
queue_errno_at(struct diag *d, const char *verb, const char *path, int err,
    int isdir)
{
	struct stat st;
	const char *what = NULL;
	char *parent, *slash;
	int rc;

	if (err == ENOENT || err == ENOTDIR) {
		/* Name the spool directory the operation needed. */
		parent = xstrdup(path);
		slash = strrchr(parent, '/');
		if (!isdir && slash != NULL && slash != parent)
			*slash = '\0';
		if (stat(parent, &st) == -1)
			what = "does not exist";
		else if (!S_ISDIR(st.st_mode))
			what = "is not a directory";
		if (what != NULL) {
			rc = diag_set(d, EX_CANTCREAT, "cannot %s %s: spool "
			    "directory %s %s; " SPOOL_FIX, verb, path, parent,
			    what);
			free(parent);
			return rc;
		}
		free(parent);
		return diag_set(d, EX_CANTCREAT, "cannot %s %s: %s; check "
		    "the spool directory (%s)", verb, path, strerror(err),
		    SPOOL_FIX);
	}
	switch (err) {
	case EACCES:
	case EPERM:
		return diag_set(d, EX_CANTCREAT, "cannot %s %s: %s; the spool "
		    "must be mode 2770 root:sendsmtp and sendsmtp setgid "
		    "sendsmtp (run make install)", verb, path, strerror(err));
	case EROFS:
		return diag_set(d, EX_CANTCREAT, "cannot %s %s: %s; remount "
		    "the spool read-write or set queue_dir to a writable "
		    "directory", verb, path, strerror(err));
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return diag_set(d, EX_TEMPFAIL, "cannot %s %s: %s; free space "
		    "on the spool file system and retry", verb, path,
		    strerror(err));
	default:
		return diag_set(d, EX_TEMPFAIL, "cannot %s %s: %s; check the "
		    "spool file system (dmesg) and retry", verb, path,
		    strerror(err));
	}
}

static int
queue_fsync_dir(const char *path, struct diag *d)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return queue_errno_dir(d, "open", path, errno);
	if (fsync(fd) == -1) {
		err = errno;
		(void)close(fd);
		return queue_errno_dir(d, "sync", path, err);
	}
	if (close(fd) == -1)
		return queue_errno_dir(d, "sync", path, errno);
	return 0;
}

/* Create path (O_EXCL, then mode 0640) holding data, fsynced and closed; on any
 * failure the file is unlinked. */
static int
queue_write_file(const char *path, const char *data, size_t len,
    struct diag *d)
{
	size_t off = 0;
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return queue_errno(d, "create", path, errno);
	/* Group-readable for a runner with the spool's group (SECURITY). */
	if (fchmod(fd, QUEUE_FILE_MODE) == -1) {
		err = errno;
		goto fail;
	}
	while (off < len) {
		n = write(fd, data + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n == 0 ? EIO : errno;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		err = errno;
		goto fail;
	}
	err = close(fd) == -1 ? errno : 0;
	fd = -1;
	if (err == 0)
		return 0;
fail:
	if (fd != -1)
		(void)close(fd);
	(void)unlink(path);
	return queue_errno(d, "write", path, err);
}

/* 0 if nothing is at path; -1 (d set) if something is or lstat failed. */
static int
queue_absent(const char *path, struct diag *d)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return diag_set(d, EX_TEMPFAIL, "cannot commit to the spool: "
		    "%s already exists; retry (queue IDs are unique unless "
		    "files are copied into queue/ by hand)", path);
	if (errno != ENOENT)
		return queue_errno(d, "examine", path, errno);
	return 0;
}

int
queue_check_dirs(const char *queue_dir, struct diag *d)
{
	static const char *const subs[] = { "", "tmp", "queue", "corrupt" };
	struct stat st;
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]) && rc == 0; i++) {
		path = *subs[i] != '\0' ? xasprintf("%s/%s", queue_dir,
		    subs[i]) : xstrdup(queue_dir);
		if (stat(path, &st) == -1) {
			if (errno == ENOENT || errno == ENOTDIR)
				rc = diag_set(d, EX_CANTCREAT, "spool "
				    "directory %s does not exist; " SPOOL_FIX,
				    path);
			else
				rc = queue_errno(d, "examine", path, errno);
		} else if (!S_ISDIR(st.st_mode))
			rc = diag_set(d, EX_CANTCREAT, "spool directory %s is "
			    "not a directory; " SPOOL_FIX, path);
		free(path);
	}
	return rc;
}

int
queue_commit(const char *queue_dir, const struct envelope *env,
    struct msg *m, char *id_out, size_t idsize, struct diag *d)
{
	return queue_commit_meta(queue_dir, env, NULL, m, id_out, idsize, d);
}

/*
 * Step 1 of the commit: fsync the message file and name the entry after
 * its inode and the time (see QUEUE ID above).
 */
static int
queue_new_id(struct msg *m, off_t *size, time_t *now, char *id,
    struct diag *d)
{
	struct timespec ts;
	struct stat st;

	if (fstat(m->fd, &st) == -1)
		return queue_errno(d, "examine", m->path, errno);
	if (!S_ISREG(st.st_mode))
		return diag_set(d, EX_SOFTWARE, "cannot commit %s: not a "
		    "regular file (internal error)", m->path);
	/* Before the fsync, so the mode is as durable as the data. */
	if (fchmod(m->fd, QUEUE_FILE_MODE) == -1)
		return queue_errno(d, "set the mode of", m->path, errno);
	if (fsync(m->fd) == -1)
		return queue_errno(d, "sync", m->path, errno);
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return diag_set(d, EX_OSERR, "clock_gettime: %s",
		    strerror(errno));
	(void)snprintf(id, QUEUE_ID_MAX + 1, "%010llX%05lX%llx",
	    (unsigned long long)ts.tv_sec & 0xffffffffffULL,
	    (unsigned long)(ts.tv_nsec / 1000),
	    (unsigned long long)st.st_ino);
	*size = st.st_size;
	*now = ts.tv_sec;
	return 0;
}

int
queue_commit_meta(const char *queue_dir, const struct envelope *env,
    const struct envelope_meta *meta_in, struct msg *m, char *id_out,
    size_t idsize, struct diag *d)
{
	struct envelope_meta meta;
	struct buf text;
	char id[QUEUE_ID_MAX + 1];
	char *qdir = NULL, *tmp_env = NULL, *q_env = NULL, *q_msg = NULL;
	int made_env = 0, moved_msg = 0, moved_env = 0, rc = -1;
	off_t size = 0;
	time_t now = 0;

	memset(&text, 0, sizeof(text));
	if (m == NULL || m->fd < 0 || m->path == NULL ||
	    idsize < QUEUE_ID_MAX + 1)
		return diag_set(d, EX_SOFTWARE, "queue_commit: no message "
		    "file or short ID buffer (internal error)");
	if (queue_new_id(m, &size, &now, id, d) == -1)
		return -1;
	if (meta_in != NULL)
		meta = *meta_in;	/* last_error is borrowed, not freed */
	else
		memset(&meta, 0, sizeof(meta));
	if (meta.created == 0)
		meta.created = (long long)now;
	meta.size = (long long)size;
	if (envelope_serialize(env, &meta, &text, d) == -1)
		goto fail;

	qdir = queue_path(queue_dir, "queue", "", "");
	tmp_env = queue_path(queue_dir, "tmp", id, ".env");
	q_env = queue_path(queue_dir, "queue", id, ".env");
	q_msg = queue_path(queue_dir, "queue", id, ".msg");
	if (queue_absent(q_env, d) == -1 || queue_absent(q_msg, d) == -1)
		goto fail;
	if (queue_write_file(tmp_env, text.data, text.len, d) == -1)
		goto fail;
	made_env = 1;
	if (rename(m->path, q_msg) == -1) {
		queue_errno(d, "move the message into", q_msg, errno);
		goto fail;
	}
	moved_msg = 1;
	if (queue_fsync_dir(qdir, d) == -1)
		goto fail;
	if (rename(tmp_env, q_env) == -1) {
		queue_errno(d, "move the envelope into", q_env, errno);
		goto fail;
	}
	made_env = 0;
	moved_env = 1;
	if (queue_fsync_dir(qdir, d) == -1)
		goto fail;

	(void)strlcpy(id_out, id, idsize);
	free(m->path);
	m->path = NULL;
	rc = 0;
	goto out;
fail:
	/* Undo in reverse; d already says what went wrong. */
	if (moved_env)
		(void)unlink(q_env);
	if (made_env)
		(void)unlink(tmp_env);
	if (moved_msg && rename(q_msg, m->path) == -1)
		(void)unlink(q_msg);	/* m->fd still reads it */
out:
	buf_free(&text);
	free(qdir);
	free(tmp_env);
	free(q_env);
	free(q_msg);
	return rc;
}

/* ------------------------------------------------------------ loading */

/*
 * Open a spool file read-only without following a symlink and check it
 * on the fd.  QUEUE_OK with *fdp open, or another status with d set.
 */
static enum queue_status
queue_open_file(const char *path, int *fdp, struct stat *st, gid_t spool_gid,
    struct diag *d)
{
	int fd;

	*fdp = -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT) {
			diag_set(d, EX_TEMPFAIL, "%s: no such file", path);
			return QUEUE_GONE;
		}
		if (errno == ELOOP) {
			diag_set(d, EX_DATAERR, "%s is a symbolic link", path);
			return QUEUE_CORRUPT;
		}
		queue_errno(d, "open", path, errno);
		return QUEUE_ERROR;
	}
	if (fstat(fd, st) == -1) {
		queue_errno(d, "examine", path, errno);
		(void)close(fd);
		return QUEUE_ERROR;
	}
	if (!S_ISREG(st->st_mode))
		diag_set(d, EX_DATAERR, "%s is not a regular file", path);
	else if (st->st_uid != geteuid() && st->st_uid != 0 &&
	    st->st_gid != spool_gid)
		diag_set(d, EX_DATAERR, "%s is owned by uid %lu group %lu, "
		    "not by uid %lu, root or the spool's group %lu", path,
		    (unsigned long)st->st_uid, (unsigned long)st->st_gid,
		    (unsigned long)geteuid(), (unsigned long)spool_gid);
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		diag_set(d, EX_DATAERR, "%s is writable by group or others "
		    "(mode %03o)", path, (unsigned)(st->st_mode & 0777));
	else if (st->st_nlink > 1)
		diag_set(d, EX_DATAERR, "%s has %lu hard links", path,
		    (unsigned long)st->st_nlink);
	else {
		*fdp = fd;
		return QUEUE_OK;
	}
	(void)close(fd);
	return QUEUE_CORRUPT;
}

/* Open, check, read (bounded) and parse ID.env into e->env, e->meta. */
static enum queue_status
queue_read_env(const char *path, struct queue_entry *e, gid_t spool_gid,
    struct diag *d)
{
	enum queue_status st;
	struct stat sb;
	struct buf text;
	struct diag pd;
	char *chunk;
	ssize_t n;
	int fd, err = 0;

	st = queue_open_file(path, &fd, &sb, spool_gid, d);
	if (st != QUEUE_OK)
		return st;
	if (sb.st_size > QUEUE_ENV_MAX) {
		(void)close(fd);
		diag_set(d, EX_DATAERR, "%s is larger than %d octets", path,
		    QUEUE_ENV_MAX);
		return QUEUE_CORRUPT;
	}
	buf_init(&text, QUEUE_ENV_MAX);
	chunk = xmalloc(IO_CHUNK);
	for (;;) {
		n = read(fd, chunk, IO_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n == -1 ? errno : 0;
			break;
		}
		if (buf_add(&text, chunk, (size_t)n) == -1) {
			err = EFBIG;
			break;
		}
	}
	free(chunk);
	(void)close(fd);
	if (err == EFBIG) {
		diag_set(d, EX_DATAERR, "%s is larger than %d octets", path,
		    QUEUE_ENV_MAX);
		return QUEUE_CORRUPT;
	}
	if (err != 0) {
		buf_free(&text);
		queue_errno(d, "read", path, err);
		return QUEUE_ERROR;
	}
	if (envelope_parse(buf_str(&text), text.len, &e->env, &e->meta,
	    &pd) == -1) {
		buf_free(&text);
		diag_set(d, EX_DATAERR, "%s: %s", path, pd.text);
		return QUEUE_CORRUPT;
	}
	buf_free(&text);
	return QUEUE_OK;
}

static void
queue_entry_reset(struct queue_entry *e)
{
	memset(e, 0, sizeof(*e));
	envelope_init(&e->env);
	e->msg.fd = -1;
}

/*
 * Take the entry's lock on the open ID.msg (if lock), then make sure the
 * file is still linked: a runner that opened it just before another
 * removed the entry gets the lock on an unlinked file.
 */
static enum queue_status
queue_lock_msg(int fd, const char *path, const char *id, int lock,
    struct stat *st, struct diag *d)
{
	if (lock && flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			diag_set(d, EX_TEMPFAIL, "queue entry %s is in use by "
			    "another process", id);
			return QUEUE_BUSY;
		}
		queue_errno(d, "lock", path, errno);
		return QUEUE_ERROR;
	}
	if (fstat(fd, st) == -1) {
		queue_errno(d, "examine", path, errno);
		return QUEUE_ERROR;
	}
	if (st->st_nlink == 0) {
		diag_set(d, EX_TEMPFAIL, "queue entry %s was removed", id);
		return QUEUE_GONE;
	}
	return QUEUE_OK;
}

/* Shared body of queue_lock (lock = 1) and queue_load (lock = 0). */
static enum queue_status
queue_open_entry(const char *dir, const char *id, struct queue_entry *e,
    int lock, struct diag *d)
{
	enum queue_status st;
	struct stat mst, sb;
	char *msg_path, *env_path, *qdir;
	gid_t spool_gid;
	int fd = -1;

	queue_entry_reset(e);
	if (!queue_id_valid(id)) {
		diag_set(d, EX_SOFTWARE, "invalid queue ID (want 1 to %d "
		    "letters and digits)", QUEUE_ID_MAX);
		return QUEUE_ERROR;
	}
	qdir = queue_path(dir, "queue", "", "");
	if (stat(qdir, &sb) == -1) {
		queue_errno_dir(d, "examine", qdir, errno);
		free(qdir);
		return QUEUE_ERROR;
	}
	free(qdir);
	spool_gid = sb.st_gid;
	msg_path = queue_path(dir, "queue", id, ".msg");
	env_path = queue_path(dir, "queue", id, ".env");
	st = queue_open_file(msg_path, &fd, &mst, spool_gid, d);
	if (st == QUEUE_GONE && lstat(env_path, &sb) == 0) {
		/* the .msg goes last and comes first: never a live state */
		diag_set(d, EX_DATAERR, "%s has no message file %s", env_path,
		    msg_path);
		st = QUEUE_CORRUPT;
	}
	if (st == QUEUE_OK)
		st = queue_lock_msg(fd, msg_path, id, lock, &mst, d);
	if (st != QUEUE_OK)
		goto out;
	st = queue_read_env(env_path, e, spool_gid, d);
	if (st != QUEUE_OK)
		goto out;
	if (e->meta.size != (long long)mst.st_size) {
		diag_set(d, EX_DATAERR, "%s says Size %lld but %s has %lld "
		    "octets", env_path, e->meta.size, msg_path,
		    (long long)mst.st_size);
		st = QUEUE_CORRUPT;
		goto out;
	}
	(void)strlcpy(e->id, id, sizeof(e->id));
	e->dir = xstrdup(dir);
	e->msg.fd = fd;
	e->msg.size = mst.st_size;
	e->msg.eightbit = e->env.eightbit;
	e->msg.smtputf8 = e->env.smtputf8;
	e->locked = lock;
	fd = -1;
out:
	if (st != QUEUE_OK) {
		envelope_free(&e->env);
		envelope_meta_free(&e->meta);
	}
	if (fd != -1)
		(void)close(fd);
	free(msg_path);
	free(env_path);
	return st;
}

enum queue_status
queue_lock(const char *queue_dir, const char *id, struct queue_entry *e,
    struct diag *d)
{
	return queue_open_entry(queue_dir, id, e, 1, d);
}

enum queue_status
queue_load(const char *queue_dir, const char *id, struct queue_entry *e,
    struct diag *d)
{
	return queue_open_entry(queue_dir, id, e, 0, d);
}

void
queue_entry_free(struct queue_entry *e)
{
	if (e->msg.fd != -1)
		(void)close(e->msg.fd);
	envelope_free(&e->env);
	envelope_meta_free(&e->meta);
	free(e->dir);
	queue_entry_reset(e);
}

/* ------------------------------------------------- changing an entry */

int
queue_update(struct queue_entry *e, struct diag *d)
{
	struct buf text;
	char *qdir = NULL, *tmp_env = NULL, *q_env = NULL;
	int rc = -1;

	if (!e->locked || e->dir == NULL)
		return diag_set(d, EX_SOFTWARE, "queue_update: entry not "
		    "locked (internal error)");
	if (envelope_serialize(&e->env, &e->meta, &text, d) == -1) {
		buf_free(&text);
		return -1;
	}
	qdir = queue_path(e->dir, "queue", "", "");
	tmp_env = queue_path(e->dir, "tmp", e->id, ".env");
	q_env = queue_path(e->dir, "queue", e->id, ".env");
	/* A stale one from a crashed update; we hold the entry's lock. */
	(void)unlink(tmp_env);
	if (queue_write_file(tmp_env, text.data, text.len, d) == -1)
		goto out;
	if (rename(tmp_env, q_env) == -1) {
		queue_errno(d, "replace", q_env, errno);
		(void)unlink(tmp_env);
		goto out;
	}
	rc = queue_fsync_dir(qdir, d);
out:
	buf_free(&text);
	free(qdir);
	free(tmp_env);
	free(q_env);
	return rc;
}

int
queue_remove(struct queue_entry *e, struct diag *d)
{
	char *qdir, *path;
	int rc = 0;

	if (!e->locked || e->dir == NULL)
		return diag_set(d, EX_SOFTWARE, "queue_remove: entry not "
		    "locked (internal error)");
	path = queue_path(e->dir, "queue", e->id, ".env");
	if (unlink(path) == -1 && errno != ENOENT)
		rc = queue_errno(d, "remove", path, errno);
	free(path);
	if (rc == -1)
		return -1;
	path = queue_path(e->dir, "queue", e->id, ".msg");
	if (unlink(path) == -1 && errno != ENOENT)
		rc = queue_errno(d, "remove", path, errno);
	free(path);
	qdir = queue_path(e->dir, "queue", "", "");
	if (rc == 0)
		rc = queue_fsync_dir(qdir, d);
	free(qdir);
	return rc;
}

int
queue_move_corrupt(const char *queue_dir, const char *id, const char *reason,
    struct diag *d)
{
	static const char *const exts[] = { ".env", ".msg" };
	char *from, *to, *dir;
	size_t i;
	int rc = 0;

	if (!queue_id_valid(id))
		return diag_set(d, EX_SOFTWARE, "invalid queue ID (want 1 to "
		    "%d letters and digits)", QUEUE_ID_MAX);
	for (i = 0; i < 2 && rc == 0; i++) {
		from = queue_path(queue_dir, "queue", id, exts[i]);
		to = queue_path(queue_dir, "corrupt", id, exts[i]);
		if (rename(from, to) == -1 && errno != ENOENT)
			rc = queue_errno(d, "move to corrupt/", from, errno);
		free(from);
		free(to);
	}
	dir = queue_path(queue_dir, "corrupt", "", "");
	if (rc == 0)
		rc = queue_fsync_dir(dir, d);
	free(dir);
	dir = queue_path(queue_dir, "queue", "", "");
	if (rc == 0)
		rc = queue_fsync_dir(dir, d);
	free(dir);
	if (rc == 0)
		log_warnx("queue entry %s is unusable (%s); moved it to "
		    "%s/corrupt/ for inspection", id, reason, queue_dir);
	return rc;
}

/* ------------------------------------------------------------ listing */

/* If name is "ID" + ext with a valid ID, copy the ID and return 1. */
static int
queue_id_of(const char *name, const char *ext, char *id)
{
	size_t n = strlen(name), e = strlen(ext);

	if (n <= e || n - e > QUEUE_ID_MAX || strcmp(name + n - e, ext) != 0)
		return 0;
	memcpy(id, name, n - e);
	id[n - e] = '\0';
	return queue_id_valid(id);
}

/*
 * Call fn for each entry of dir/sub in readdir order, until it returns
 * non-zero.  0, or -1 with d set when the directory cannot be opened or
 * read to its end.
 */
static int
queue_walk(const char *dir, const char *sub,
    int (*fn)(DIR *dp, const char *path, const char *name, void *arg),
    void *arg, struct diag *d)
{
	struct dirent *de;
	DIR *dp;
	char *path;
	int rc = 0;

	path = queue_path(dir, sub, "", "");
	dp = opendir(path);
	if (dp == NULL) {
		rc = queue_errno_dir(d, "read", path, errno);
		free(path);
		return rc;
	}
	for (;;) {
		errno = 0;
		de = readdir(dp);
		if (de == NULL) {
			if (errno != 0)
				rc = queue_errno_dir(d, "read", path, errno);
			break;
		}
		if (fn(dp, path, de->d_name, arg) != 0)
			break;
	}
	(void)closedir(dp);
	free(path);
	return rc;
}

static int
queue_list_one(DIR *dp, const char *path, const char *name, void *arg)
{
	struct queue_list_ctx *ctx = arg;
	char id[QUEUE_ID_MAX + 1];

	(void)dp;
	(void)path;
	if (!queue_id_of(name, ".env", id))
		return 0;
	ctx->n++;
	return ctx->cb != NULL && ctx->cb(id, ctx->arg) != 0;
}

int
queue_list(const char *queue_dir, int (*cb)(const char *id, void *arg),
    void *arg, size_t *count, struct diag *d)
{
	struct queue_list_ctx ctx;
	int rc;

	if (count != NULL)
		*count = 0;
	ctx.cb = cb;
	ctx.arg = arg;
	ctx.n = 0;
	rc = queue_walk(queue_dir, "queue", queue_list_one, &ctx, d);
	if (count != NULL)
		*count = ctx.n;
	return rc;
}

static int
queue_scan_one(const char *id, void *arg)
{
	struct queue_scan_ctx *ctx = arg;
	struct queue_entry e;
	struct diag ed;
	enum queue_status st;
	int rc;

	diag_clear(&ed);
	st = queue_load(ctx->dir, id, &e, &ed);
	if (st == QUEUE_GONE)
		return 0;
	rc = ctx->cb(id, st, st == QUEUE_OK ? &e : NULL, &ed, ctx->arg);
	queue_entry_free(&e);
	return rc;
}

int
queue_scan(const char *queue_dir,
    int (*cb)(const char *id, enum queue_status st,
    const struct queue_entry *e, const struct diag *ed, void *arg),
    void *arg, size_t *count, struct diag *d)
{
	struct queue_scan_ctx ctx;

	ctx.dir = queue_dir;
	ctx.cb = cb;
	ctx.arg = arg;
	return queue_list(queue_dir, queue_scan_one, &ctx, count, d);
}

/* ------------------------------------------------------------ cleanup */

/* A stale regular file (or stray symlink) in tmp/: remove it. */
static int
queue_clean_tmp_one(DIR *dp, const char *path, const char *name, void *arg)
{
	struct queue_clean_ctx *ctx = arg;
	struct stat st;

	if (fstatat(dirfd(dp), name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) ||
	    st.st_mtime >= ctx->cutoff)
		return 0;
	if (unlinkat(dirfd(dp), name, 0) == -1)
		log_warn("cannot remove stale %s/%s", path, name);
	else
		(*ctx->removed)++;
	return 0;
}

/* An old queue/ID.msg with no ID.env and nobody holding its lock. */
static int
queue_clean_orphan_one(DIR *dp, const char *path, const char *name,
    void *arg)
{
	struct queue_clean_ctx *ctx = arg;
	struct stat st;
	char id[QUEUE_ID_MAX + 1];
	char *env;
	int fd;

	if (!queue_id_of(name, ".msg", id) ||
	    fstatat(dirfd(dp), name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode) || st.st_mtime >= ctx->cutoff)
		return 0;
	env = xasprintf("%s.env", id);
	if (fstatat(dirfd(dp), env, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    errno != ENOENT) {
		free(env);
		return 0;
	}
	free(env);
	fd = openat(dirfd(dp), name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (unlinkat(dirfd(dp), name, 0) == -1)
			log_warn("cannot remove orphan %s/%s", path, name);
		else
			(*ctx->removed)++;
	}
	(void)close(fd);
	return 0;
}

int
queue_cleanup(const char *queue_dir, time_t now, size_t *removed,
    struct diag *d)
{
	struct queue_clean_ctx ctx;
	size_t n = 0;
	int rc;

	ctx.cutoff = now - QUEUE_STALE_AGE;
	ctx.removed = &n;
	/* stale files in tmp/, then orphaned .msg files in queue/ */
	rc = queue_walk(queue_dir, "tmp", queue_clean_tmp_one, &ctx, d);
	if (rc == 0)
		rc = queue_walk(queue_dir, "queue", queue_clean_orphan_one,
		    &ctx, d);
	if (removed != NULL)
		*removed = n;
	return rc;
}
