/*
 * sasl.c - the SASL client over Cyrus SASL (libsasl2), and the XOAUTH2
 * and OAUTHBEARER client plugins Debian does not ship.
 *
 * RFC 4422 (SASL), RFC 4616 (PLAIN), RFC 2195 (CRAM-MD5), RFC 5802 and
 * RFC 7677 (SCRAM-SHA-1, SCRAM-SHA-256), RFC 7628 (OAUTHBEARER; its gs2
 * header from RFC 5801), Google's and Microsoft's XOAUTH2 framing.  The
 * SMTP side (RFC 4954) is smtp_auth.c.
 *
 * This is the only file that includes <sasl/sasl.h> (style.md 3).
 *
 * Security notes:
 *  - Plugins come only from SASL_PLUGIN_DIR: the SASL_CB_GETPATH callback
 *    overrides SASL_PATH, SASL_CB_VERIFYFILE refuses any file outside
 *    that directory, SASL_CB_GETCONFPATH points at the same root-owned
 *    directory, and SASL_CB_GETOPT answers no option, so neither the
 *    environment nor a file the caller controls changes what runs with
 *    the sendsmtp group (design.md 6).
 *  - The secret is copied once into a sasl_secret_t handed to the
 *    plugins through SASL_CB_PASS, and wiped in sasl_sess_free().  The
 *    OAuth payload is built in a fixed buffer (no reallocation leaves a
 *    copy behind) and wiped when the exchange ends.  Cyrus's own plugins
 *    keep their working buffers; that is outside our reach.
 *  - No security layer is negotiated (max_ssf 0): TLS protects the
 *    session, and SMTP after AUTH stays unwrapped.
 *  - Cyrus log messages go to log_info() only at SASL_LOG_ERR and
 *    above; they never hold the secret.
 */
#include "compat.h"

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "bounds.h"
#include "diag.h"
#include "log.h"
#include "sasl.h"
#include "util.h"

#ifndef SASL_PLUGIN_DIR
#define SASL_PLUGIN_DIR	"/usr/lib/sasl2"
#endif

/* Our plugins' mechanism kinds. */
enum sasl_oauth_kind { OAUTH_XOAUTH2, OAUTH_BEARER };

struct sasl_sess {
	sasl_conn_t	*conn;
	char		*user;
	sasl_secret_t	*secret;	/* wiped on free */
	size_t		 secret_cap;
	sasl_callback_t	 cb[4];
	const char	*mech;		/* chosen; static (Cyrus) string */
	int		 done;		/* the mechanism said SASL_OK */
	int		 oauth;		/* an XOAUTH2/OAUTHBEARER exchange */
};

/* One OAuth exchange (plugin connection context). */
struct sasl_oauth_ctx {
	enum sasl_oauth_kind	 kind;
	int			 state;	/* 0 start, 1 sent, 2 error seen */
	char			*out;	/* SASL_MSG_MAX bytes, wiped */
	size_t			 outlen;
};

static int	sasl_lib_refs;		/* sessions using the library */
/* Plugin global contexts: which framing. */
static enum sasl_oauth_kind sasl_kind_xoauth2 = OAUTH_XOAUTH2;
static enum sasl_oauth_kind sasl_kind_bearer = OAUTH_BEARER;

static int	sasl_lib_init(struct diag *d);
static void	sasl_lib_done(void);
static int	sasl_cb_getpath(void *ctx, const char **path);
static int	sasl_cb_getconfpath(void *ctx, char **path);
static int	sasl_cb_getopt(void *ctx, const char *plugin,
		    const char *option, const char **result, unsigned *len);
static int	sasl_cb_log(void *ctx, int level, const char *message);
static int	sasl_cb_verifyfile(void *ctx, const char *file,
		    sasl_verify_type_t type);
static int	sasl_cb_simple(void *ctx, int id, const char **result,
		    unsigned *len);
static int	sasl_cb_pass(sasl_conn_t *conn, void *ctx, int id,
		    sasl_secret_t **psecret);
static int	sasl_fail(struct sasl_sess *s, struct diag *d, int rc,
		    const char *what);
static int	sasl_put(char *out, size_t size, size_t *len, const char *p,
		    size_t n);
static int	sasl_oauth_check(const char *user, const char *token);
static int	sasl_oauth_plug_init(const sasl_utils_t *utils,
		    int max_version, int *out_version,
		    sasl_client_plug_t **pluglist, int *plugcount);
static int	sasl_oauth_new(void *glob, sasl_client_params_t *params,
		    void **conn_ctx);
static int	sasl_oauth_step(void *conn_ctx, sasl_client_params_t *params,
		    const char *serverin, unsigned serverinlen,
		    sasl_interact_t **prompt_need, const char **clientout,
		    unsigned *clientoutlen, sasl_out_params_t *oparams);
static void	sasl_oauth_dispose(void *conn_ctx, const sasl_utils_t *utils);
static int	sasl_oauth_first(struct sasl_oauth_ctx *c,
		    sasl_client_params_t *params, sasl_out_params_t *oparams);

/* Function pointers in Cyrus's generic callback slot. */
#define SASL_CB_FN(f)	((sasl_callback_ft)(void (*)(void))(f))

static const sasl_callback_t sasl_global_cb[] = {
	{ SASL_CB_GETPATH, SASL_CB_FN(sasl_cb_getpath), NULL },
	{ SASL_CB_GETCONFPATH, SASL_CB_FN(sasl_cb_getconfpath), NULL },
	{ SASL_CB_GETOPT, SASL_CB_FN(sasl_cb_getopt), NULL },
	{ SASL_CB_LOG, SASL_CB_FN(sasl_cb_log), NULL },
	{ SASL_CB_VERIFYFILE, SASL_CB_FN(sasl_cb_verifyfile), NULL },
	{ SASL_CB_LIST_END, NULL, NULL }
};

static sasl_client_plug_t sasl_oauth_plugs[] = {
	{
		.mech_name = "XOAUTH2",
		.security_flags = SASL_SEC_NOANONYMOUS,
		.features = SASL_FEAT_WANT_CLIENT_FIRST,
		.glob_context = &sasl_kind_xoauth2,
		.mech_new = sasl_oauth_new,
		.mech_step = sasl_oauth_step,
		.mech_dispose = sasl_oauth_dispose,
	},
	{
		.mech_name = "OAUTHBEARER",
		.security_flags = SASL_SEC_NOANONYMOUS,
		.features = SASL_FEAT_WANT_CLIENT_FIRST,
		.glob_context = &sasl_kind_bearer,
		.mech_new = sasl_oauth_new,
		.mech_step = sasl_oauth_step,
		.mech_dispose = sasl_oauth_dispose,
	},
};

/* ============================================================ callbacks */

static int
sasl_cb_getpath(void *ctx, const char **path)
{
	(void)ctx;
	*path = SASL_PLUGIN_DIR;
	return SASL_OK;
}

static int
sasl_cb_getconfpath(void *ctx, char **path)
{
	static char dir[] = SASL_PLUGIN_DIR;

	(void)ctx;
	*path = dir;
	return SASL_OK;
}

/* No option from anywhere: every plugin runs with its defaults. */
static int
sasl_cb_getopt(void *ctx, const char *plugin, const char *option,
    const char **result, unsigned *len)
{
	(void)ctx;
	(void)plugin;
	(void)option;
	*result = NULL;
	if (len != NULL)
		*len = 0;
	return SASL_FAIL;
}

static int
sasl_cb_log(void *ctx, int level, const char *message)
{
	(void)ctx;
	if (level <= SASL_LOG_ERR && message != NULL)
		log_info("SASL: %s", message);
	return SASL_OK;
}

/* Only files directly inside SASL_PLUGIN_DIR. */
static int
sasl_cb_verifyfile(void *ctx, const char *file, sasl_verify_type_t type)
{
	size_t n = strlen(SASL_PLUGIN_DIR);

	(void)ctx;
	(void)type;
	if (strncmp(file, SASL_PLUGIN_DIR, n) == 0 && file[n] == '/' &&
	    strchr(file + n + 1, '/') == NULL && strstr(file, "..") == NULL)
		return SASL_OK;
	return SASL_CONTINUE;	/* skip it */
}

/* SASL_CB_AUTHNAME: the user; SASL_CB_USER (authzid): none. */
static int
sasl_cb_simple(void *ctx, int id, const char **result, unsigned *len)
{
	struct sasl_sess *s = ctx;

	if (id == SASL_CB_AUTHNAME)
		*result = s->user;
	else if (id == SASL_CB_USER)
		*result = "";
	else
		return SASL_BADPARAM;
	if (len != NULL)
		*len = (unsigned)strlen(*result);
	return SASL_OK;
}

static int
sasl_cb_pass(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **psecret)
{
	struct sasl_sess *s = ctx;

	(void)conn;
	if (id != SASL_CB_PASS || s->secret == NULL)
		return SASL_BADPARAM;
	*psecret = s->secret;
	return SASL_OK;
}

/* ============================================================ library */

static int
sasl_lib_init(struct diag *d)
{
	int rc;

	if (sasl_lib_refs++ > 0)
		return 0;
	rc = sasl_client_init(sasl_global_cb);
	if (rc == SASL_OK)
		rc = sasl_client_add_plugin("sendsmtp-oauth",
		    sasl_oauth_plug_init);
	if (rc == SASL_OK)
		return 0;
	sasl_lib_done();
	return diag_temp(d, STAGE_AUTH, "cannot start the SASL library: %s; "
	    "is libsasl2-modules installed? (plugins are loaded from %s "
	    "only)", sasl_errstring(rc, NULL, NULL), SASL_PLUGIN_DIR);
}

static void
sasl_lib_done(void)
{
	if (sasl_lib_refs > 0 && --sasl_lib_refs == 0)
		(void)sasl_client_done();
}

const char *
sasl_plugin_dir(void)
{
	return SASL_PLUGIN_DIR;
}

/* ============================================================ session */

static int
sasl_fail(struct sasl_sess *s, struct diag *d, int rc, const char *what)
{
	const char *detail = s != NULL && s->conn != NULL ?
	    sasl_errdetail(s->conn) : sasl_errstring(rc, NULL, NULL);

	return diag_temp(d, STAGE_AUTH, "SASL %s failed%s%s: %s", what,
	    s != NULL && s->mech != NULL ? " for " : "",
	    s != NULL && s->mech != NULL ? s->mech : "", detail);
}

int
sasl_sess_new(struct sasl_sess **out, const char *host, const char *user,
    struct diag *d)
{
	struct sasl_sess *s;
	sasl_security_properties_t props;
	int rc;

	*out = NULL;
	if (sasl_lib_init(d) == -1)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->user = xstrdup(user);
	s->cb[0] = (sasl_callback_t){ SASL_CB_AUTHNAME,
	    SASL_CB_FN(sasl_cb_simple), s };
	s->cb[1] = (sasl_callback_t){ SASL_CB_USER,
	    SASL_CB_FN(sasl_cb_simple), s };
	s->cb[2] = (sasl_callback_t){ SASL_CB_PASS,
	    SASL_CB_FN(sasl_cb_pass), s };
	s->cb[3] = (sasl_callback_t){ SASL_CB_LIST_END, NULL, NULL };
	rc = sasl_client_new("smtp", host, NULL, NULL, s->cb, 0, &s->conn);
	if (rc != SASL_OK) {
		(void)sasl_fail(NULL, d, rc, "setup");
		sasl_sess_free(s);
		return -1;
	}
	/* No security layer: TLS protects the session (max_ssf 0). */
	memset(&props, 0, sizeof(props));
	props.security_flags = SASL_SEC_NOANONYMOUS;
	rc = sasl_setprop(s->conn, SASL_SEC_PROPS, &props);
	if (rc != SASL_OK) {
		(void)sasl_fail(s, d, rc, "setup");
		sasl_sess_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
sasl_sess_set_secret(struct sasl_sess *s, const char *secret)
{
	size_t n = strlen(secret);

	if (s->secret != NULL) {
		explicit_bzero(s->secret, s->secret_cap);
		free(s->secret);
	}
	s->secret_cap = sizeof(sasl_secret_t) + n + 1;
	s->secret = xcalloc(1, s->secret_cap);
	s->secret->len = n;
	memcpy(s->secret->data, secret, n);
}

const char *
sasl_sess_mechs(struct sasl_sess *s)
{
	const char *list = NULL;
	unsigned len;
	int count;

	if (sasl_listmech(s->conn, NULL, "", " ", "", &list, &len,
	    &count) != SASL_OK || list == NULL)
		return "";
	return list;
}

int
sasl_sess_start(struct sasl_sess *s, const char *mech, const char **out,
    size_t *outlen, int *has_ir, struct diag *d)
{
	const char *o = NULL, *chosen = NULL;
	unsigned olen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	*has_ir = 0;
	rc = sasl_client_start(s->conn, mech, NULL, &o, &olen, &chosen);
	if (rc != SASL_OK && rc != SASL_CONTINUE) {
		(void)sasl_fail(s, d, rc, "start");
		if (rc == SASL_NOMECH)
			(void)strlcat(d->text, "; is libsasl2-modules "
			    "installed?", sizeof(d->text));
		return -1;
	}
	s->mech = chosen != NULL ? chosen : mech;
	s->oauth = strcmp(s->mech, "XOAUTH2") == 0 ||
	    strcmp(s->mech, "OAUTHBEARER") == 0;
	s->done = rc == SASL_OK;
	if (o != NULL) {
		*has_ir = 1;
		*out = o;
		*outlen = olen;
	}
	return 0;
}

int
sasl_sess_step(struct sasl_sess *s, const char *in, size_t inlen,
    const char **out, size_t *outlen, struct diag *d)
{
	const char *o = NULL;
	unsigned olen = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (s->done)
		return diag_temp(d, STAGE_AUTH, "the server sent another "
		    "challenge after the %s exchange was complete", s->mech);
	rc = sasl_client_step(s->conn, in, (unsigned)inlen, NULL, &o, &olen);
	if (rc != SASL_OK && rc != SASL_CONTINUE) {
		(void)sasl_fail(s, d, rc, "step");
		if (rc == SASL_BADSERV)
			(void)strlcat(d->text, " (the server failed to prove "
			    "it knows the password: not the expected server?)",
			    sizeof(d->text));
		return -1;
	}
	*out = o != NULL ? o : "";
	*outlen = olen;
	s->done = rc == SASL_OK;
	return s->done;
}

int
sasl_sess_success(struct sasl_sess *s, struct diag *d)
{
	const char *o;
	size_t olen;

	if (s->done)
		return 0;
	/* Our OAuth plugins finish on "no more data from the server". */
	if (s->oauth && sasl_sess_step(s, NULL, 0, &o, &olen, d) == 1)
		return 0;
	return diag_temp(d, STAGE_AUTH, "the server said AUTH succeeded "
	    "before the %s exchange was complete (it did not prove it knows "
	    "the password); refusing to trust it", s->mech != NULL ?
	    s->mech : "SASL");
}

void
sasl_sess_free(struct sasl_sess *s)
{
	if (s == NULL)
		return;
	if (s->conn != NULL)
		sasl_dispose(&s->conn);
	if (s->secret != NULL) {
		explicit_bzero(s->secret, s->secret_cap);
		free(s->secret);
	}
	free(s->user);
	free(s);
	sasl_lib_done();
}

/* ============================================================ OAuth */

static int
sasl_put(char *out, size_t size, size_t *len, const char *p, size_t n)
{
	if (n > size || *len > size - n)
		return -1;
	memcpy(out + *len, p, n);
	*len += n;
	return 0;
}

/* 0 if user and token may be framed (see sasl.h). */
static int
sasl_oauth_check(const char *user, const char *token)
{
	const unsigned char *p;

	if (*user == '\0' || *token == '\0')
		return -1;
	for (p = (const unsigned char *)user; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return -1;
	for (p = (const unsigned char *)token; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return -1;
	return 0;
}

int
sasl_xoauth2_payload(char *out, size_t size, size_t *outlen,
    const char *user, const char *token)
{
	*outlen = 0;
	if (sasl_oauth_check(user, token) == -1 ||
	    sasl_put(out, size, outlen, "user=", 5) == -1 ||
	    sasl_put(out, size, outlen, user, strlen(user)) == -1 ||
	    sasl_put(out, size, outlen, "\001auth=Bearer ", 13) == -1 ||
	    sasl_put(out, size, outlen, token, strlen(token)) == -1 ||
	    sasl_put(out, size, outlen, "\001\001", 2) == -1) {
		*outlen = 0;
		return -1;
	}
	return 0;
}

int
sasl_oauthbearer_payload(char *out, size_t size, size_t *outlen,
    const char *user, const char *token)
{
	const char *p;
	int rc;

	*outlen = 0;
	if (sasl_oauth_check(user, token) == -1 ||
	    sasl_put(out, size, outlen, "n,a=", 4) == -1)
		goto bad;
	for (p = user; *p != '\0'; p++) {
		if (*p == ',')
			rc = sasl_put(out, size, outlen, "=2C", 3);
		else if (*p == '=')
			rc = sasl_put(out, size, outlen, "=3D", 3);
		else
			rc = sasl_put(out, size, outlen, p, 1);
		if (rc == -1)
			goto bad;
	}
	if (sasl_put(out, size, outlen, ",\001auth=Bearer ", 14) == -1 ||
	    sasl_put(out, size, outlen, token, strlen(token)) == -1 ||
	    sasl_put(out, size, outlen, "\001\001", 2) == -1)
		goto bad;
	return 0;
bad:
	*outlen = 0;
	return -1;
}

static int
sasl_oauth_plug_init(const sasl_utils_t *utils, int max_version,
    int *out_version, sasl_client_plug_t **pluglist, int *plugcount)
{
	(void)utils;
	if (max_version < SASL_CLIENT_PLUG_VERSION)
		return SASL_BADVERS;
	*out_version = SASL_CLIENT_PLUG_VERSION;
	*pluglist = sasl_oauth_plugs;
	*plugcount = (int)(sizeof(sasl_oauth_plugs) /
	    sizeof(sasl_oauth_plugs[0]));
	return SASL_OK;
}

static int
sasl_oauth_new(void *glob, sasl_client_params_t *params, void **conn_ctx)
{
	struct sasl_oauth_ctx *c;

	(void)params;
	c = xcalloc(1, sizeof(*c));
	c->kind = *(const enum sasl_oauth_kind *)glob;
	c->out = xmalloc(SASL_MSG_MAX);
	*conn_ctx = c;
	return SASL_OK;
}

static void
sasl_oauth_dispose(void *conn_ctx, const sasl_utils_t *utils)
{
	struct sasl_oauth_ctx *c = conn_ctx;

	(void)utils;
	if (c == NULL)
		return;
	explicit_bzero(c->out, SASL_MSG_MAX);
	free(c->out);
	free(c);
}

/* Fetch the user and the token through the callbacks; build the IR. */
static int
sasl_oauth_first(struct sasl_oauth_ctx *c, sasl_client_params_t *params,
    sasl_out_params_t *oparams)
{
	const sasl_utils_t *u = params->utils;
	sasl_callback_ft proc;
	void *ctx;
	const char *user = NULL;
	sasl_secret_t *secret = NULL;
	char *token;
	unsigned ulen = 0;
	int rc;

	if (u->getcallback(u->conn, SASL_CB_AUTHNAME, &proc, &ctx) !=
	    SASL_OK || ((sasl_getsimple_t *)(void (*)(void))proc)(ctx,
	    SASL_CB_AUTHNAME, &user, &ulen) != SASL_OK || user == NULL)
		return SASL_BADPARAM;
	if (u->getcallback(u->conn, SASL_CB_PASS, &proc, &ctx) != SASL_OK ||
	    ((sasl_getsecret_t *)(void (*)(void))proc)(u->conn, ctx,
	    SASL_CB_PASS, &secret) != SASL_OK || secret == NULL)
		return SASL_BADPARAM;
	token = xstrndup((const char *)secret->data, secret->len);
	rc = c->kind == OAUTH_XOAUTH2 ?
	    sasl_xoauth2_payload(c->out, SASL_MSG_MAX, &c->outlen, user,
	    token) :
	    sasl_oauthbearer_payload(c->out, SASL_MSG_MAX, &c->outlen, user,
	    token);
	freezero_str(token);
	if (rc == -1) {
		u->seterror(u->conn, 0, "the user name or the OAuth2 token "
		    "holds characters that cannot be sent (the token must be "
		    "printable ASCII) or is too long");
		return SASL_BADPARAM;
	}
	return params->canon_user(u->conn, user, ulen,
	    SASL_CU_AUTHID | SASL_CU_AUTHZID, oparams);
}

/*
 * States: 0 -> send the initial response; 1 (sent): a NULL serverin
 * means the server said 235 (done), any challenge is RFC 7628 3.2.3's
 * error JSON, answered with ^A (OAUTHBEARER) or an empty line (XOAUTH2)
 * so the server can finish with 535; 2: nothing more is valid.
 */
static int
sasl_oauth_step(void *conn_ctx, sasl_client_params_t *params,
    const char *serverin, unsigned serverinlen,
    sasl_interact_t **prompt_need, const char **clientout,
    unsigned *clientoutlen, sasl_out_params_t *oparams)
{
	struct sasl_oauth_ctx *c = conn_ctx;
	int rc;

	(void)serverinlen;
	(void)prompt_need;
	*clientout = NULL;
	*clientoutlen = 0;
	switch (c->state) {
	case 0:
		rc = sasl_oauth_first(c, params, oparams);
		if (rc != SASL_OK)
			return rc;
		c->state = 1;
		*clientout = c->out;
		*clientoutlen = (unsigned)c->outlen;
		return SASL_CONTINUE;
	case 1:
		explicit_bzero(c->out, SASL_MSG_MAX);
		if (serverin == NULL) {
			oparams->doneflag = 1;
			oparams->mech_ssf = 0;
			oparams->maxoutbuf = 0;
			oparams->encode = NULL;
			oparams->decode = NULL;
			oparams->param_version = 0;
			return SASL_OK;
		}
		c->state = 2;
		*clientout = c->kind == OAUTH_BEARER ? "\001" : "";
		*clientoutlen = c->kind == OAUTH_BEARER ? 1 : 0;
		return SASL_CONTINUE;
	default:
		params->utils->seterror(params->utils->conn, 0, "the server "
		    "continued after its OAuth2 error report");
		return SASL_BADPROT;
	}
}
