/*
 * queue.h - the durable spool (design.md 4): commit, list, lock, load,
 * update, remove, corrupt/ and cleanup.  Storage only: deciding when to
 * retry, delivering and bouncing are the callers' business.
 *
 * A queue entry is two files in QUEUE_DIR/queue/: ID.msg, the message
 * in wire form (written once, never changed), and ID.env, the envelope
 * records (rewritten on every per-recipient state change).  ID.env is
 * the entry: it appears last and disappears first.  The record format,
 * the durability argument and the locking scheme are described at the
 * top of queue.c.
 *
 * Lock: an exclusive non-blocking flock(2) on ID.msg, the file that
 * never changes, so it survives queue_update() replacing ID.env.
 *
 * Errors: functions return 0 / -1 (or enum queue_status) and fill a
 * caller-owned struct diag.  Spool trouble is EX_CANTCREAT (73) when the
 * spool is missing or not writable (an installation problem) and
 * EX_TEMPFAIL (75) for ENOSPC, EIO and other transient failures; the
 * text names the path, the errno text and the fix.
 */
#ifndef SENDSMTP_QUEUE_H
#define SENDSMTP_QUEUE_H

#include <stddef.h>
#include <time.h>

#include "bounds.h"
#include "diag.h"
#include "envelope.h"
#include "msg.h"

/* What queue_lock() / queue_load() found. */
enum queue_status {
	QUEUE_OK = 0,
	QUEUE_BUSY,	/* another process holds the lock: skip it */
	QUEUE_GONE,	/* no such entry (removed meanwhile, or a commit
			 * still between its two renames): skip it */
	QUEUE_CORRUPT,	/* unparseable or suspicious (symlink, hard link,
			 * wrong owner, writable by others, size mismatch):
			 * d says why; call queue_move_corrupt() */
	QUEUE_ERROR	/* could not look (EACCES, EIO, EMFILE...): d says
			 * why; try again later, do not move it */
};

struct queue_entry {
	char		 id[QUEUE_ID_MAX + 1];
	char		*dir;		/* queue_dir (copy) */
	struct envelope	 env;		/* recipients and states */
	struct envelope_meta meta;	/* created, size, attempts,
					 * next_attempt, last_error */
	/*
	 * The message for deliver_message(): fd is ID.msg opened read-only
	 * (it carries the lock after queue_lock; position unspecified, seek
	 * before reading), path is NULL, size/eightbit/smtputf8 are set.
	 * Never msg_discard() it: closing the fd drops the lock.
	 */
	struct msg	 msg;
	int		 locked;	/* 1 after queue_lock */
};

/*
 * Make sure queue_dir and its tmp/, queue/ and corrupt/ exist and are
 * directories (creating them is make install's job).  Returns 0, or -1
 * with d EX_CANTCREAT: "spool directory /var/spool/sendsmtp/queue does
 * not exist; run make install or create it with mode 2770
 * root:sendsmtp".
 */
int	 queue_check_dirs(const char *queue_dir, struct diag *d);

/*
 * Commit a new entry for env and the message file m made by msg_read()
 * in queue_dir/tmp/.  The entry's ID (see queue.c) is copied to id_out
 * (idsize >= QUEUE_ID_MAX + 1).  The entry is fresh: created = now,
 * attempts 0, next_attempt 0 (due at once), no last error.
 * Both files are made mode 0640 (the spool's group may read them).
 * On success the spool owns the file: m->path is freed and set to NULL
 * (so msg_discard() only closes it) and m->fd stays open, now naming
 * queue/ID.msg; the entry is durable (see queue.c) when this returns 0.
 * On failure nothing of the entry is left in tmp/ or queue/, m is
 * unchanged (its file is back at m->path) and d is EX_CANTCREAT,
 * EX_TEMPFAIL, EX_DATAERR (envelope value that cannot be stored, see
 * envelope_serialize) or EX_SOFTWARE (bad arguments).
 */
int	 queue_commit(const char *queue_dir, const struct envelope *env,
	    struct msg *m, char *id_out, size_t idsize, struct diag *d);

/*
 * The same with the bookkeeping given by the caller (after a first
 * attempt failed: attempts, next_attempt, last_error); meta->created 0
 * means now, and meta->size is ignored (the file's size is stored).
 * meta NULL is queue_commit().
 */
int	 queue_commit_meta(const char *queue_dir, const struct envelope *env,
	    const struct envelope_meta *meta, struct msg *m, char *id_out,
	    size_t idsize, struct diag *d);

/*
 * Call cb(id, arg) for each ID.env in queue_dir/queue/ whose ID is
 * valid, in directory order, without opening any entry (cheap: -bP uses
 * it with cb NULL).  cb returning non-zero stops the walk.  *count (may
 * be NULL) receives the number of entries seen.  Entries added or
 * removed during the walk may or may not be seen.  Returns 0, or -1
 * with d set when the directory cannot be read.
 */
int	 queue_list(const char *queue_dir,
	    int (*cb)(const char *id, void *arg), void *arg, size_t *count,
	    struct diag *d);

/*
 * For mailq: queue_list() plus queue_load() of each entry; cb gets the
 * status, the loaded entry (valid only for QUEUE_OK, and only during
 * the call) and the diag for QUEUE_CORRUPT / QUEUE_ERROR.  Entries that
 * went away meanwhile (QUEUE_GONE) are skipped.  Returns as queue_list.
 */
int	 queue_scan(const char *queue_dir,
	    int (*cb)(const char *id, enum queue_status st,
	    const struct queue_entry *e, const struct diag *ed, void *arg),
	    void *arg, size_t *count, struct diag *d);

/*
 * Lock and load entry id for delivery.  Opens ID.msg (O_NOFOLLOW), checks
 * it (regular file, one link, owned by the effective uid, root or the
 * group of queue/, not group/world writable), takes
 * flock(LOCK_EX|LOCK_NB) on it, then opens and checks ID.env the same
 * way and parses it strictly; the stored
 * Size must equal the message file's size.  On QUEUE_OK the caller owns
 * e (queue_entry_free releases the lock).  Otherwise e is empty and:
 * QUEUE_BUSY (locked elsewhere), QUEUE_GONE, QUEUE_CORRUPT (d says why,
 * naming the file) or QUEUE_ERROR (d set).  An invalid id (anything but
 * 1..QUEUE_ID_MAX of [0-9A-Za-z]) is QUEUE_ERROR and touches nothing.
 */
enum queue_status queue_lock(const char *queue_dir, const char *id,
	    struct queue_entry *e, struct diag *d);

/* queue_lock() without the lock (for listing); e->locked is 0. */
enum queue_status queue_load(const char *queue_dir, const char *id,
	    struct queue_entry *e, struct diag *d);

/*
 * Rewrite ID.env from e->env and e->meta: write tmp/ID.env, fsync,
 * rename over queue/ID.env, fsync queue/.  e must be locked.  The lock
 * (on ID.msg) is unaffected.  Returns 0, or -1 with d set and the old
 * ID.env intact (values that cannot be stored give EX_DATAERR: reply
 * texts must be one line without control characters).
 */
int	 queue_update(struct queue_entry *e, struct diag *d);

/*
 * Remove a locked entry: unlink ID.env (the entry is gone), then ID.msg,
 * then fsync queue/.  e stays valid (and locked) until queue_entry_free.
 * Returns 0, or -1 with d set.  If ID.env could not be removed the entry
 * stays and will be delivered again (never lost, maybe duplicated).
 */
int	 queue_remove(struct queue_entry *e, struct diag *d);

/*
 * Move queue/ID.env and queue/ID.msg (whichever exist; the .env first)
 * to corrupt/ and log_warnx the id, reason and where the files went.  For
 * entries queue_lock() called QUEUE_CORRUPT; a locked entry must be
 * freed first.  Returns 0, or -1 with d set (invalid id, rename error).
 */
int	 queue_move_corrupt(const char *queue_dir, const char *id,
	    const char *reason, struct diag *d);

/*
 * Remove regular files in tmp/ and orphaned queue/ID.msg files (no
 * ID.env, not locked) whose mtime is older than now - QUEUE_STALE_AGE.
 * *removed (may be NULL) gets the number removed.  Returns 0, or -1 with
 * d set when a directory cannot be read (single unlink failures are
 * logged and skipped).
 */
int	 queue_cleanup(const char *queue_dir, time_t now, size_t *removed,
	    struct diag *d);

/* 1 if id is a syntactically valid queue ID. */
int	 queue_id_valid(const char *id);

/* Close the message fd (releasing the lock) and free everything; safe on
 * an entry left empty by a failed queue_lock/queue_load. */
void	 queue_entry_free(struct queue_entry *e);

#endif /* SENDSMTP_QUEUE_H */
