// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr limit load FILE
 * rcmgr limit dump
 *
 * go-libp2p's PartialLimitConfig JSON, the file Kubo users keep as
 * libp2p-resource-manager-limits.json.  A value is a number, "unlimited",
 * "blockAll" (an explicit 0 blocks too), "default", or absent (the current
 * value stays); Memory may also be a string of digits, as Go writes it.
 *
 * A load is all or nothing: the whole file is checked before the module
 * is reached (a bad file is a usage error, exit 255), the current limits
 * are read, and if the kernel refuses a change midway, every change made
 * so far is undone.  The module has no transaction: for the instants a
 * load runs, live scopes may see some of the new limits and not others,
 * and a concurrent change by another admin is not serialised with ours.
 *
 * A dump writes the effective configuration in the same format, every
 * value explicit, names sorted, so dump | load | dump is byte-identical.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"

#define NR_CLASSES	(RCMGR_LIMIT_ALLOWLISTED_TRANSIENT + 1)
#define NR_FIELDS	8
#define PEER_MAX_LEN	128	/* the kernel's peer attribute */
#define LIMIT_NAME_MAX	256	/* the kernel's limit name attribute */

/* go-libp2p's ResourceLimits fields, in its order (= struct rcmgr_limit). */
static const char *const fields[NR_FIELDS] = {
	"Streams", "StreamsInbound", "StreamsOutbound", "Conns",
	"ConnsInbound", "ConnsOutbound", "FD", "Memory",
};
#define MEMORY_FIELD	7
/* Their enum rcmgr_resource, for rcmgr_limit_update()'s @which. */
static const int field_res[NR_FIELDS] = {
	RCMGR_RESOURCE_STREAMS, RCMGR_RESOURCE_STREAMS_INBOUND,
	RCMGR_RESOURCE_STREAMS_OUTBOUND, RCMGR_RESOURCE_CONNS,
	RCMGR_RESOURCE_CONNS_INBOUND, RCMGR_RESOURCE_CONNS_OUTBOUND,
	RCMGR_RESOURCE_FD, RCMGR_RESOURCE_MEMORY,
};
#define LIMIT_FIELDS(l) {						\
	&(l)->streams, &(l)->streams_inbound, &(l)->streams_outbound,	\
	&(l)->conns, &(l)->conns_inbound, &(l)->conns_outbound,		\
	&(l)->fd, &(l)->memory,						\
}

/* PartialLimitConfig's keys, in its order: the dump's order. */
static const struct {
	const char *key;
	int class;
	bool named;
} keys[] = {
	{ "System", RCMGR_LIMIT_SYSTEM, false },
	{ "Transient", RCMGR_LIMIT_TRANSIENT, false },
	{ "AllowlistedSystem", RCMGR_LIMIT_ALLOWLISTED_SYSTEM, false },
	{ "AllowlistedTransient", RCMGR_LIMIT_ALLOWLISTED_TRANSIENT, false },
	{ "ServiceDefault", RCMGR_LIMIT_SERVICE, false },
	{ "Service", RCMGR_LIMIT_SERVICE, true },
	{ "ServicePeerDefault", RCMGR_LIMIT_SERVICE_PEER, false },
	{ "ServicePeer", RCMGR_LIMIT_SERVICE_PEER, true },
	{ "ProtocolDefault", RCMGR_LIMIT_PROTOCOL, false },
	{ "Protocol", RCMGR_LIMIT_PROTOCOL, true },
	{ "ProtocolPeerDefault", RCMGR_LIMIT_PROTOCOL_PEER, false },
	{ "ProtocolPeer", RCMGR_LIMIT_PROTOCOL_PEER, true },
	{ "PeerDefault", RCMGR_LIMIT_PEER, false },
	{ "Peer", RCMGR_LIMIT_PEER, true },
	{ "Conn", RCMGR_LIMIT_CONN, false },
	{ "Stream", RCMGR_LIMIT_STREAM, false },
};

enum { ABSENT, SET, DEFAULT };

/* One object of the file: a class default, or one name's limits. */
struct entry {
	int key;		/* index in keys[] */
	char *name;		/* NULL: the class default */
	int64_t v[NR_FIELDS];
	unsigned char how[NR_FIELDS];
};

/* What the kernel holds: a class default or one name's limits. */
struct held {
	int class;
	char *name;		/* NULL: the class default */
	size_t name_len;
	struct rcmgr_limit l;
};

static struct {
	const char *file;
	struct entry *e;
	size_t n;
	struct held *h;
	size_t nh;
} lf;

static const char *key_list(void)
{
	static char s[512];
	size_t i;

	if (s[0])
		return s;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s",
			 i ? ", " : "", keys[i].key);
	return s;
}

/* "Service.\"foo\".Memory", names escaped as the tool prints them. */
static void path(char *out, size_t size, int k, const char *name,
		 const char *field)
{
	char esc[ESC_SIZE];
	int n;

	n = snprintf(out, size, "%s", keys[k].key);
	if (name) {
		escape(name, strlen(name), false, esc, sizeof(esc));
		n += snprintf(out + n, size - n, ".\"%s\"", esc);
	}
	if (field)
		snprintf(out + n, size - n, ".%s", field);
}

static int bad_value(const char *where, json_t *v, const char *why)
{
	char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	char esc[ESC_SIZE];

	escape(text ? text : "?", text ? strlen(text) : 1, false, esc,
	       sizeof(esc));
	free(text);
	if (strlen(esc) > 80)
		strcpy(esc + 77, "...");
	return usage_err("%s: %s %s", where, esc, why);
}

static int parse_value(const char *where, json_t *v, bool memory,
		       int64_t *out, unsigned char *how)
{
	const char *s, *p;
	uint64_t n = 0;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return bad_value(where, v, "is negative; 0 or \"blockAll\" blocks, \"unlimited\" lifts the limit");
		*out = json_integer_value(v);
		*how = SET;
		return 0;
	}
	if (!json_is_string(v))
		return bad_value(where, v, memory ?
			"is not a whole number, a string of digits, \"unlimited\", \"blockAll\" or \"default\"" :
			"is not a whole number, \"unlimited\", \"blockAll\" or \"default\"");
	s = json_string_value(v);
	*how = SET;
	if (!strcmp(s, "unlimited")) {
		*out = RCMGR_LIMIT_UNLIMITED;
		return 0;
	}
	if (!strcmp(s, "blockAll")) {
		*out = 0;
		return 0;
	}
	if (!strcmp(s, "default")) {
		*how = DEFAULT;
		return 0;
	}
	if (!memory || !*s || json_string_length(v) != strlen(s))
		goto bad;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			goto bad;
		if (n > ((uint64_t)INT64_MAX - (*p - '0')) / 10)
			return bad_value(where, v, "is out of range");
		n = n * 10 + (*p - '0');
	}
	*out = n;
	return 0;
bad:
	return bad_value(where, v, memory ?
		"is not a whole number, a string of digits, \"unlimited\", \"blockAll\" or \"default\"" :
		"is not a whole number, \"unlimited\", \"blockAll\" or \"default\"");
}

static int parse_limits(int k, const char *name, json_t *o, struct entry *e)
{
	char where[ESC_SIZE + 128];
	const char *f;
	json_t *v;
	int i, ret;

	path(where, sizeof(where), k, name, NULL);
	if (!json_is_object(o))
		return bad_value(where, o, "is not an object of limits");
	e->key = k;
	json_object_foreach(o, f, v) {
		for (i = 0; i < NR_FIELDS; i++)
			if (!strcmp(f, fields[i]))
				break;
		path(where, sizeof(where), k, name, f);
		if (i == NR_FIELDS)
			return usage_err("%s: unknown field; expected one of: Streams, StreamsInbound, StreamsOutbound, Conns, ConnsInbound, ConnsOutbound, FD, Memory",
					 where);
		ret = parse_value(where, v, i == MEMORY_FIELD, &e->v[i],
				  &e->how[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* A peer ID in text form, as go-libp2p's peer.Decode() takes it. */
static bool peer_id_text(const char *s)
{
	uint8_t mh[RCMGR_PEER_ID_MAX];

	return strlen(s) <= PEER_MAX_LEN &&
	       rcmgr_peer_id_parse(s, mh, sizeof(mh)) > 0;
}

/* Return: what is wrong with @name as a key of keys[@k], or NULL. */
static const char *name_problem(int k, const char *name, size_t len)
{
	if (!len)
		return "an empty name";
	if (memchr(name, '\0', len) || !json_stringn(name, len))
		return "not text (NUL or not UTF-8)";
	if (len > LIMIT_NAME_MAX)
		return "longer than 256 bytes";
	if (keys[k].class == RCMGR_LIMIT_PEER && !peer_id_text(name))
		return "not a peer ID in text form (a multihash in base58btc, or a libp2p-key CID in base32 or base16)";
	return NULL;
}

static struct entry *new_entry(void)
{
	struct entry *e;

	e = realloc(lf.e, (lf.n + 1) * sizeof(*e));
	if (!e) {
		fprintf(stderr, "Error: out of memory.\n");
		exit(EXIT_FAIL);
	}
	lf.e = e;
	memset(&e[lf.n], 0, sizeof(*e));
	return &e[lf.n++];
}

static int parse_file(json_t *root)
{
	const char *key, *name;
	json_t *o, *lim;
	char esc[ESC_SIZE];
	const char *why;
	size_t k;
	int ret;

	if (!json_is_object(root))
		return usage_err("%s: the top level is not an object", lf.file);
	json_object_foreach(root, key, o) {
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(key, keys[k].key))
				break;
		if (k == ARRAY_SIZE(keys)) {
			escape(key, strlen(key), false, esc, sizeof(esc));
			return usage_err("\"%s\" is not a limit key; expected one of: %s",
					 esc, key_list());
		}
		if (!keys[k].named) {
			ret = parse_limits(k, NULL, o, new_entry());
			if (ret)
				return ret;
			continue;
		}
		if (!json_is_object(o))
			return bad_value(key, o, "is not an object of names");
		json_object_foreach(o, name, lim) {
			why = name_problem(k, name, strlen(name));
			if (why) {
				escape(name, strlen(name), false, esc, sizeof(esc));
				return usage_err("%s.\"%s\": %s", key, esc, why);
			}
			ret = parse_limits(k, name, lim, new_entry());
			if (ret)
				return ret;
			lf.e[lf.n - 1].name = strdup(name);
			if (!lf.e[lf.n - 1].name) {
				fprintf(stderr, "Error: out of memory.\n");
				exit(EXIT_FAIL);
			}
		}
	}
	return 0;
}

/* Checked before the module is reached: a bad file changes nothing. */
static int limitfile_parse(const char *file)
{
	json_error_t err;
	json_t *root;
	int ret;

	lf.file = file;
	if (!strcmp(file, "-"))
		root = json_loadf(stdin, JSON_REJECT_DUPLICATES, &err);
	else
		root = json_load_file(file, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		if (err.line < 0)
			return usage_err("%s: %s", file, err.text);
		return usage_err("%s:%d:%d: %s", file, err.line, err.column,
				 err.text);
	}
	ret = parse_file(root);
	json_decref(root);
	return ret;
}

static int held_fn(const struct rcmgr_limit_info *i, void *arg)
{
	struct held *h;

	if ((int)i->limit_class >= NR_CLASSES)
		return 0;	/* a newer module's class */
	h = realloc(lf.h, (lf.nh + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	lf.h = h;
	h = &lf.h[lf.nh++];
	memset(h, 0, sizeof(*h));
	h->class = i->limit_class;
	h->l = i->limit;
	if (i->name) {
		h->name = malloc(i->name_len + 1);
		if (!h->name)
			return -ENOMEM;
		memcpy(h->name, i->name, i->name_len);
		h->name[i->name_len] = '\0';
		h->name_len = i->name_len;
	}
	return 0;
}

static struct held *find_held(int class, const char *name)
{
	size_t i;

	for (i = 0; i < lf.nh; i++) {
		if (lf.h[i].class != class || !lf.h[i].name != !name)
			continue;
		if (!name || (lf.h[i].name_len == strlen(name) &&
			      !memcmp(lf.h[i].name, name, lf.h[i].name_len)))
			return &lf.h[i];
	}
	return NULL;
}

static int read_held(struct rcmgr *rm)
{
	int ret = rcmgr_limit_dump(rm, held_fn, NULL);

	return ret < 0 ? kernel_err(rm, ret) : 0;
}

/*
 * The module's own defaults (autoscaled for this machine), for "default"
 * in a class default: a new network namespace starts with them, so a
 * child reads them in one of its own.
 */
static int module_defaults(struct rcmgr_limit *def)
{
	size_t size = NR_CLASSES * sizeof(*def), got = 0;
	int p[2], status, c;
	struct rcmgr *rm;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) &&
		    unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(1);
		if (rcmgr_open(&rm))
			_exit(1);
		for (c = 0; c < NR_CLASSES; c++)
			if (rcmgr_limit_get(rm, c, NULL, &def[c]))
				_exit(1);
		_exit(write(p[1], def, size) == (ssize_t)size ? 0 : 1);
	}
	close(p[1]);
	while (got < size && (n = read(p[0], (char *)def + got, size - got)) > 0)
		got += n;
	close(p[0]);
	waitpid(pid, &status, 0);
	if (got != size || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EPERM;
	return 0;
}

/* One change made, to undo if a later one fails. */
struct undo {
	int class;
	const char *name;
	bool created;
	struct rcmgr_limit before;
};

static int restore(struct rcmgr *rm, struct undo *u, size_t n)
{
	int ret, first = 0;

	while (n--) {
		if (u[n].created)
			ret = rcmgr_limit_delete(rm, u[n].class, u[n].name);
		else
			ret = rcmgr_limit_set(rm, u[n].class, u[n].name,
					      &u[n].before);
		if (ret && !first)
			first = ret;
	}
	return first;
}

static void fill(struct rcmgr_limit *to, const struct entry *e,
		 const struct rcmgr_limit *def, unsigned int *which)
{
	const int64_t *d[] = LIMIT_FIELDS(def);
	int64_t *t[] = LIMIT_FIELDS(to);
	int i;

	for (i = 0; i < NR_FIELDS; i++) {
		if (e->how[i] == ABSENT)
			continue;
		*t[i] = e->how[i] == SET ? e->v[i] : *d[i];
		*which |= RCMGR_RESOURCE_BIT(field_res[i]);
	}
}

/*
 * The class defaults as the file will leave them (for "default" in a
 * name's limits), from what the kernel holds and, for "default" in a
 * class default, the module's own defaults.
 */
static int new_class_limits(struct rcmgr_limit *cls)
{
	struct rcmgr_limit def[NR_CLASSES];
	bool need_def = false;
	unsigned int which;
	size_t i;
	int f;

	for (i = 0; i < NR_CLASSES; i++) {
		struct held *h = find_held(i, NULL);

		if (!h) {
			fprintf(stderr, "Error: the module did not list the limits of every class.\n");
			return EXIT_FAIL;
		}
		cls[i] = h->l;
	}
	for (i = 0; i < lf.n; i++)
		for (f = 0; f < NR_FIELDS; f++)
			if (!lf.e[i].name && lf.e[i].how[f] == DEFAULT)
				need_def = true;
	if (need_def && module_defaults(def)) {
		fprintf(stderr, "Error: \"default\" in a class default needs the module's own defaults, read in a new network namespace, which this user cannot make; nothing was changed.\n");
		return EXIT_FAIL;
	}
	for (i = 0; i < lf.n; i++) {
		int class = keys[lf.e[i].key].class;

		which = 0;
		if (!lf.e[i].name)
			fill(&cls[class], &lf.e[i], &def[class], &which);
	}
	return 0;
}

/* The kernel refused change @i, after @n others: undo them, and say so. */
static int load_failed(struct rcmgr *rm, int ret, size_t i, struct undo *u,
		       size_t n)
{
	char where[ESC_SIZE + 128];
	int rret;

	if (ret == -EPERM && !n) {
		fprintf(stderr, "Error: loading limits needs CAP_NET_ADMIN in the network namespace's user namespace; nothing was changed.\n");
		return EXIT_FAIL;
	}
	path(where, sizeof(where), lf.e[i].key, lf.e[i].name, NULL);
	fprintf(stderr, "Error: %s: the module refused the change:\n", where);
	kernel_err(rm, ret);
	rret = restore(rm, u, n);
	if (rret)
		fprintf(stderr, "Error: restoring the previous limits failed too (%s); check \"rcmgr limit show\".\n",
			strerror(-rret));
	else
		fprintf(stderr, "Nothing was changed: the previous limits are restored.\n");
	return EXIT_FAIL;
}

static int limitfile_load(struct rcmgr *rm, struct cmd *c)
{
	struct rcmgr_limit cls[NR_CLASSES];
	struct undo *u;
	size_t i, n = 0;
	int ret, pass;

	ret = read_held(rm);
	if (!ret)
		ret = new_class_limits(cls);
	if (ret)
		return ret;
	u = calloc(lf.n + 1, sizeof(*u));
	if (!u)
		return EXIT_FAIL;
	/* Class defaults first: a new name starts from its class default. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < lf.n; i++) {
			const struct entry *e = &lf.e[i];
			int class = keys[e->key].class;
			struct held *h = find_held(class, e->name);
			struct rcmgr_limit l = h ? h->l : cls[class];
			unsigned int which = 0;

			if (!e->name != !pass)
				continue;
			fill(&l, e, &cls[class], &which);
			if (!h)		/* the whole entry, even if empty */
				which = RCMGR_RESOURCES_ALL;
			if (!which)
				continue;
			u[n] = (struct undo){ class, e->name, !h,
					      h ? h->l : cls[class] };
			ret = rcmgr_limit_update(rm, class, e->name, &l, which);
			if (ret) {
				ret = load_failed(rm, ret, i, u, n);
				free(u);
				return ret;
			}
			n++;
		}
	}
	free(u);
	return EXIT_OK;
}

static json_t *value_json(int64_t v, bool memory)
{
	char buf[24];

	if (v == RCMGR_LIMIT_UNLIMITED)
		return json_string("unlimited");
	if (!v)
		return json_string("blockAll");
	if (!memory)
		return json_integer(v);
	/* As Go writes LimitVal64: JSON numbers are doubles to many readers. */
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return json_string(buf);
}

static json_t *limits_json(const struct rcmgr_limit *l)
{
	const int64_t *f[] = LIMIT_FIELDS(l);
	json_t *o = json_object();
	int i;

	for (i = 0; i < NR_FIELDS; i++)
		json_object_set_new(o, fields[i],
				    value_json(*f[i], i == MEMORY_FIELD));
	return o;
}

static int held_cmp(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int r = memcmp(x->name, y->name, n);

	if (r)
		return r;
	return (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

static int limitfile_dump(struct rcmgr *rm, struct cmd *c)
{
	json_t *root = json_object(), *names;
	char esc[ESC_SIZE];
	const char *why;
	size_t k, i;
	int ret;

	ret = read_held(rm);
	if (ret)
		return ret;
	qsort(lf.h, lf.nh, sizeof(*lf.h), held_cmp);	/* names sorted */
	for (k = 0; k < ARRAY_SIZE(keys); k++) {
		if (!keys[k].named) {
			struct held *h = find_held(keys[k].class, NULL);

			if (h)
				json_object_set_new(root, keys[k].key,
						    limits_json(&h->l));
			continue;
		}
		names = json_object();
		for (i = 0; i < lf.nh; i++) {
			struct held *h = &lf.h[i];

			if (h->class != keys[k].class || !h->name)
				continue;
			why = name_problem(k, h->name, h->name_len);
			if (why) {
				escape(h->name, h->name_len, false, esc,
				       sizeof(esc));
				fprintf(stderr, "Error: %s.\"%s\" is %s: a limit file cannot hold it (\"rcmgr limit show\" does).\n",
					keys[k].key, esc, why);
				json_decref(names);
				json_decref(root);
				return EXIT_FAIL;
			}
			json_object_set_new(names, h->name, limits_json(&h->l));
		}
		if (json_object_size(names))
			json_object_set_new(root, keys[k].key, names);
		else
			json_decref(names);
	}
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(root);
	return EXIT_OK;
}

int limitfile_cmd(bool load, const char *file, struct cmd *c)
{
	if (!load) {
		c->run = limitfile_dump;
		return 0;
	}
	c->run = limitfile_load;
	return limitfile_parse(file);
}
