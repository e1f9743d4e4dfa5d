/*
 * tlscache.c - TLS session resumption data in the spool (issue 7).
 *
 * RFC 5077 (TLS 1.2 session tickets) and RFC 8446 2.2 and 4.6.1 (TLS 1.3
 * resumption with a PSK from a NewSessionTicket); the session data
 * itself is GnuTLS's opaque export (tls_session_export), kept here as
 * base64 in a small text file:
 *
 *	SENDSMTP-TLS-CACHE 1
 *	host: smtp.example.com
 *	port: 587
 *	policy: <64 hex digits>
 *	expires: 1767225600
 *	data: <base64>
 *	END
 *
 * Security: a resumed session skips certificate verification, so an
 * entry must only ever come from a handshake that was verified under the
 * same settings with the same server.  Hence (1) the entry names its host
 * and port and both must match the connection (a shared file name after
 * sanitising cannot mix them up); (2) the policy digest covers every
 * setting that decides verification or the client's identity (a pin,
 * trust file, tls_verify, client certificate) and the mode; (3) only a
 * file owned by the effective uid with no group or other access is read,
 * so another user who can write the spool directory (it is group-
 * writable for the setgid binary) cannot plant a session of their own
 * making, nor read ours (the data holds the resumption secret, which with
 * a client certificate is a credential); (4) entries expire after
 * TLSCACHE_LIFETIME and one dated further ahead is refused.  The file is
 * parsed strictly with bounded sizes like every other spool file
 * (style.md 19).  A new entry is written to a temp file and renamed, so
 * a reader never sees half of one; no fsync (a lost cache is harmless).
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "bounds.h"
#include "buf.h"
#include "crypto.h"
#include "tlscache.h"
#include "util.h"

static void	tlscache_hash_str(struct crypto_hash *h, const char *s);
static int	tlscache_field(const char **p, const char *end,
		    const char *key, const char **val, size_t *vlen);
static int	tlscache_number(const char *s, size_t n, long long max,
		    long long *out);
static int	tlscache_hex(const char *s, size_t n,
		    unsigned char out[TLSCACHE_POLICY_LEN]);
static int	tlscache_read(int fd, char *buf, size_t size, size_t *n);
static char	*tlscache_dir(const char *queue_dir, int create);

/* ============================================================== pure */

/* A string and its terminator, so ("ab","c") and ("a","bc") differ. */
static void
tlscache_hash_str(struct crypto_hash *h, const char *s)
{
	if (s == NULL)
		s = "";
	crypto_hash_add(h, s, strlen(s) + 1);
}

void
tlscache_policy(const struct tls_config *tc, int mode,
    unsigned char out[TLSCACHE_POLICY_LEN])
{
	struct crypto_hash *h = crypto_hash_new();
	char num[32];

	(void)snprintf(num, sizeof(num), "v1 mode=%d verify=%d", mode,
	    tc->verify);
	tlscache_hash_str(h, num);
	tlscache_hash_str(h, tc->fingerprint);
	tlscache_hash_str(h, tc->trust_file);
	tlscache_hash_str(h, tc->cert_file);
	tlscache_hash_str(h, tc->key_file);
	tlscache_hash_str(h, tc->priorities);
	crypto_hash_end(h, out);
}

int
tlscache_name(const char *host, int port, char *out, size_t size)
{
	size_t i, o = 0;
	int n;

	if (host == NULL || *host == '\0' || size == 0)
		return -1;
	for (i = 0; host[i] != '\0' && i < 200 && o + 1 < size; i++) {
		char c = host[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)ascii_tolower(c);
		out[o++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' ? c : '_';
	}
	/* a leading dot would hide the file and match temp names */
	if (out[0] == '.')
		out[0] = '_';
	n = snprintf(out + o, size - o, "_%d", port);
	if (n < 0 || (size_t)n >= size - o)
		return -1;
	return 0;
}

int
tlscache_format(struct buf *b, const struct tlscache_entry *e)
{
	char hex[2 * TLSCACHE_POLICY_LEN + 1];

	crypto_hex(e->policy, TLSCACHE_POLICY_LEN, hex);
	if (buf_printf(b, "%s\nhost: %s\nport: %d\npolicy: %s\n"
	    "expires: %lld\ndata: ", TLSCACHE_MAGIC, e->host, e->port, hex,
	    e->expires) == -1 || b64_add(b, e->data, e->len) == -1 ||
	    buf_addstr(b, "\nEND\n") == -1)
		return -1;
	return 0;
}

/*
 * Take the line "key: value\n" at *p: printable ASCII, the key as
 * given.  Returns 0 and advances *p, or -1.
 */
static int
tlscache_field(const char **p, const char *end, const char *key,
    const char **val, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *s = *p, *nl;

	nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL || (size_t)(nl - s) < klen + 2 ||
	    memcmp(s, key, klen) != 0 || s[klen] != ':' || s[klen + 1] != ' ')
		return -1;
	*val = s + klen + 2;
	*vlen = (size_t)(nl - *val);
	if (*vlen == 0)
		return -1;
	*p = nl + 1;
	return 0;
}

/* Digits only, 0..max. */
static int
tlscache_number(const char *s, size_t n, long long max, long long *out)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
tlscache_hex(const char *s, size_t n, unsigned char out[TLSCACHE_POLICY_LEN])
{
	char tmp[2 * TLSCACHE_POLICY_LEN + 1];

	if (n != 2 * TLSCACHE_POLICY_LEN)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return crypto_pin_parse(tmp, out);
}

int
tlscache_parse(const char *text, size_t n, struct tlscache_entry *e)
{
	const char *p = text, *end = text + n, *v;
	size_t vlen, i, mlen = strlen(TLSCACHE_MAGIC);
	long long num;
	char *dec = NULL;

	memset(e, 0, sizeof(*e));
	if (n > TLSCACHE_FILE_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if ((text[i] < 0x20 || text[i] > 0x7e) && text[i] != '\n')
			return -1;	/* NUL, CR, controls, 8-bit */
	if (n < mlen + 1 || memcmp(p, TLSCACHE_MAGIC, mlen) != 0 ||
	    p[mlen] != '\n')
		return -1;
	p += mlen + 1;
	if (tlscache_field(&p, end, "host", &v, &vlen) == -1 ||
	    vlen > HELO_NAME_MAX || memchr(v, ' ', vlen) != NULL)
		goto bad;
	memcpy(e->host, v, vlen);
	e->host[vlen] = '\0';
	if (tlscache_field(&p, end, "port", &v, &vlen) == -1 ||
	    tlscache_number(v, vlen, 65535, &num) == -1 || num == 0)
		goto bad;
	e->port = (int)num;
	if (tlscache_field(&p, end, "policy", &v, &vlen) == -1 ||
	    tlscache_hex(v, vlen, e->policy) == -1)
		goto bad;
	if (tlscache_field(&p, end, "expires", &v, &vlen) == -1 ||
	    tlscache_number(v, vlen, QUEUE_TIME_MAX, &e->expires) == -1)
		goto bad;
	if (tlscache_field(&p, end, "data", &v, &vlen) == -1 ||
	    vlen > 4 * (TLSCACHE_DATA_MAX / 3 + 1))
		goto bad;
	dec = xmalloc(TLSCACHE_DATA_MAX + 1);
	if (b64_decode(v, vlen, dec, TLSCACHE_DATA_MAX + 1, &e->len) == -1 ||
	    e->len == 0 || e->len > TLSCACHE_DATA_MAX)
		goto bad;
	if ((size_t)(end - p) != 4 || memcmp(p, "END\n", 4) != 0)
		goto bad;
	e->data = (unsigned char *)dec;
	return 0;
bad:
	if (dec != NULL) {
		explicit_bzero(dec, TLSCACHE_DATA_MAX + 1);
		free(dec);
	}
	memset(e, 0, sizeof(*e));
	return -1;
}

void
tlscache_entry_free(struct tlscache_entry *e)
{
	if (e->data != NULL) {
		explicit_bzero(e->data, e->len);
		free(e->data);
	}
	e->data = NULL;
	e->len = 0;
}

/* ============================================================ files */

/* queue_dir/tls-cache (malloc'd), made 0770 when create; NULL if none. */
static char *
tlscache_dir(const char *queue_dir, int create)
{
	struct stat st;
	char *dir;

	if (queue_dir == NULL || *queue_dir == '\0')
		return NULL;
	dir = xasprintf("%s/%s", queue_dir, TLSCACHE_DIR);
	if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	/* group-writable like the spool (its setgid bit is inherited):
	 * every user's entries live here, each readable by its owner only */
	if (create && mkdir(dir, 0770) == 0 && chmod(dir, 02770) == 0)
		return dir;
	free(dir);
	return NULL;
}

/* Read all of fd (at most size - 1 bytes); -1 when bigger or failing. */
static int
tlscache_read(int fd, char *buf, size_t size, size_t *n)
{
	ssize_t r;

	*n = 0;
	for (;;) {
		r = read(fd, buf + *n, size - *n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			return 0;
		*n += (size_t)r;
		if (*n == size)
			return -1;
	}
}

int
tlscache_load(const char *queue_dir, const char *host, int port,
    const unsigned char policy[TLSCACHE_POLICY_LEN], time_t now,
    unsigned char **data, size_t *len)
{
	struct tlscache_entry e;
	struct stat st;
	char name[256], *dir, *path, *text;
	size_t n = 0;
	int fd, ok = -1;

	*data = NULL;
	*len = 0;
	if (tlscache_name(host, port, name, sizeof(name)) == -1 ||
	    (dir = tlscache_dir(queue_dir, 0)) == NULL)
		return -1;
	path = xasprintf("%s/%s", dir, name);
	free(dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return -1;
	text = xmalloc(TLSCACHE_FILE_MAX + 1);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 077) == 0 &&
	    st.st_size <= TLSCACHE_FILE_MAX &&
	    tlscache_read(fd, text, TLSCACHE_FILE_MAX + 1, &n) == 0 &&
	    tlscache_parse(text, n, &e) == 0) {
		if (ascii_strcasecmp(e.host, host) == 0 && e.port == port &&
		    crypto_memeq(e.policy, policy, TLSCACHE_POLICY_LEN) &&
		    e.expires > (long long)now &&
		    e.expires <= (long long)now + TLSCACHE_LIFETIME) {
			*data = e.data;
			*len = e.len;
			e.data = NULL;
			ok = 0;
		}
		tlscache_entry_free(&e);
	}
	explicit_bzero(text, TLSCACHE_FILE_MAX + 1);
	free(text);
	(void)close(fd);
	return ok;
}

int
tlscache_save(const char *queue_dir, const char *host, int port,
    const unsigned char policy[TLSCACHE_POLICY_LEN], time_t now,
    const void *data, size_t len)
{
	struct tlscache_entry e;
	struct buf b;
	char name[256], *dir, *tmp = NULL, *path = NULL;
	size_t off = 0;
	ssize_t w;
	int fd = -1, rc = -1;

	if (len == 0 || len > TLSCACHE_DATA_MAX || strlen(host) >
	    HELO_NAME_MAX || tlscache_name(host, port, name,
	    sizeof(name)) == -1 || (dir = tlscache_dir(queue_dir, 1)) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	(void)strlcpy(e.host, host, sizeof(e.host));
	e.port = port;
	memcpy(e.policy, policy, TLSCACHE_POLICY_LEN);
	e.expires = (long long)now + TLSCACHE_LIFETIME;
	e.data = (unsigned char *)(uintptr_t)data;
	e.len = len;
	buf_init(&b, TLSCACHE_FILE_MAX);
	if (tlscache_format(&b, &e) == -1)
		goto out;
	tmp = xasprintf("%s/.tmp.%s.XXXXXX", dir, name);
	path = xasprintf("%s/%s", dir, name);
	if ((fd = mkstemp(tmp)) == -1)
		goto out;
	if (fchmod(fd, 0600) == -1)
		goto out;
	while (off < b.len) {
		w = write(fd, b.data + off, b.len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto out;
		off += (size_t)w;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == 0)
		rc = 0;
out:
	if (fd != -1)
		(void)close(fd);
	if (rc == -1 && tmp != NULL)
		(void)unlink(tmp);
	buf_free_secret(&b);
	free(tmp);
	free(path);
	free(dir);
	return rc;
}
