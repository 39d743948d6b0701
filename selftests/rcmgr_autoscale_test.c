// SPDX-License-Identifier: GPL-2.0
/*
 * Autoscaled default limits: the tables of Documentation/rcmgr.rst, as the
 * kernel computes them for the RAM it boots with (RCMGR_EXPECT_RAM_MIB, set
 * by selftests/vm/run.sh, says which; the suite boots 2 GiB and 512 MiB),
 * and for budgets set by the module parameters.  Each test runs in a fresh
 * network namespace, whose defaults are scaled when it is made.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"
#include <rcmgr/rcmgr.h>

#define MIB		(1ull << 20)

/* One class: memory, streams in, out, total, conns in, out, total, fd. */
struct row {
	uint32_t class;
	uint64_t v[8];
};

#define ROWS 11

/* RAM 512 MiB: budgets 64 MiB and 32768 fds (no increase below 128 MiB). */
static const struct row ram_512m[ROWS] = {
	{ RCMGR_CLASS_SYSTEM,	     { 128 * MIB, 1024, 2048, 2048, 64, 128, 128, 32768 } },
	{ RCMGR_CLASS_TRANSIENT,     { 32 * MIB, 128, 256, 256, 32, 64, 64, 8192 } },
	{ RCMGR_CLASS_SERVICE,	     { 64 * MIB, 1024, 4096, 4096, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_SERVICE_PEER,  { 16 * MIB, 128, 256, 256, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL,	     { 64 * MIB, 512, 2048, 2048, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL_PEER, { 16 * MIB, 64, 128, 256, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PEER,	     { 64 * MIB, 256, 512, 512, 8, 8, 8, 512 } },
	{ RCMGR_CLASS_CONN,	     { 32 * MIB, 0, 0, 0, 1, 1, 1, 1 } },
	{ RCMGR_CLASS_STREAM,	     { 16 * MIB, 1, 1, 1, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_ALLOWLISTED_SYSTEM, { 128 * MIB, 1024, 2048, 2048, 64, 128, 128, 32768 } },
	{ RCMGR_CLASS_ALLOWLISTED_TRANSIENT, { 32 * MIB, 128, 256, 256, 32, 64, 64, 8192 } },
};

/* RAM 2 GiB: budgets 256 MiB and 131072 fds. */
static const struct row ram_2g[ROWS] = {
	{ RCMGR_CLASS_SYSTEM,	     { 384 * MIB, 1280, 2560, 2560, 80, 160, 160, 131072 } },
	{ RCMGR_CLASS_TRANSIENT,     { 64 * MIB, 160, 320, 320, 36, 72, 72, 32768 } },
	{ RCMGR_CLASS_SERVICE,	     { 96 * MIB, 1152, 4608, 4608, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_SERVICE_PEER,  { 17 * MIB, 129, 258, 258, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL,	     { 105 * MIB, 576, 2176, 2176, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL_PEER, { 17 * MIB, 65, 130, 260, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PEER,	     { 96 * MIB, 288, 576, 576, 8, 8, 8, 2048 } },
	{ RCMGR_CLASS_CONN,	     { 32 * MIB, 0, 0, 0, 1, 1, 1, 1 } },
	{ RCMGR_CLASS_STREAM,	     { 16 * MIB, 1, 1, 1, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_ALLOWLISTED_SYSTEM, { 384 * MIB, 1280, 2560, 2560, 80, 160, 160, 131072 } },
	{ RCMGR_CLASS_ALLOWLISTED_TRANSIENT, { 64 * MIB, 160, 320, 320, 36, 72, 72, 32768 } },
};

/*
 * limits_memory=1 GiB, limits_fds=4096: go-libp2p's Scale(1 GiB, 4096)
 * (its 8 GiB table), but protocol-peer memory 20 MiB, not 16 MiB + 4 bytes.
 */
static const struct row budget_1g_4096[ROWS] = {
	{ RCMGR_CLASS_SYSTEM,	     { 1152 * MIB, 2048, 4096, 4096, 128, 256, 256, 4096 } },
	{ RCMGR_CLASS_TRANSIENT,     { 160 * MIB, 256, 512, 512, 48, 96, 96, 1024 } },
	{ RCMGR_CLASS_SERVICE,	     { 192 * MIB, 1536, 6144, 6144, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_SERVICE_PEER,  { 20 * MIB, 132, 264, 264, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL,	     { 228 * MIB, 768, 2560, 2560, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PROTOCOL_PEER, { 20 * MIB, 68, 136, 272, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_PEER,	     { 192 * MIB, 384, 768, 768, 8, 8, 8, 64 } },
	{ RCMGR_CLASS_CONN,	     { 32 * MIB, 0, 0, 0, 1, 1, 1, 1 } },
	{ RCMGR_CLASS_STREAM,	     { 16 * MIB, 1, 1, 1, 0, 0, 0, 0 } },
	{ RCMGR_CLASS_ALLOWLISTED_SYSTEM, { 1152 * MIB, 2048, 4096, 4096, 128, 256, 256, 4096 } },
	{ RCMGR_CLASS_ALLOWLISTED_TRANSIENT, { 160 * MIB, 256, 512, 512, 48, 96, 96, 1024 } },
};

static const char *const res_names[8] = {
	"memory", "streams-inbound", "streams-outbound", "streams",
	"conns-inbound", "conns-outbound", "conns", "fd",
};

/* The limits of a class default, by RCMGR_A_RESOURCES_* - 1. */
static int class_limits(struct raw_nl *r, uint32_t class, uint64_t *v)
{
	int64_t res[RCMGR_A_RESOURCES_FD + 1];
	struct req q;
	int i, ret;

	req_new(&q, r, RCMGR_CMD_LIMIT_GET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_LIMIT_CLASS, class);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	raw_reply_resources(&q.ans, RCMGR_A_LIMIT_VALUES, res);
	for (i = 0; i < 8; i++)
		v[i] = res[RCMGR_A_RESOURCES_MEMORY + i];
	return 0;
}

/* Every class default of the namespace equals @table. */
static void check_table(struct __test_metadata *_metadata, struct raw_nl *r,
			const struct row *table)
{
	uint64_t v[8];
	int i, j;

	for (i = 0; i < ROWS; i++) {
		ASSERT_EQ(0, class_limits(r, table[i].class, v));
		for (j = 0; j < 8; j++) {
			if (table[i].v[j] != v[j])
				TH_LOG("class %u %s", table[i].class,
				       res_names[j]);
			EXPECT_EQ(table[i].v[j], v[j]);
		}
	}
}

FIXTURE(autoscale) {
	struct raw_nl r;
	struct rcmgr *rm;
};

FIXTURE_SETUP(autoscale)
{
	char v[32];

	/* The budgets are auto unless a test sets them. */
	ASSERT_EQ(0, param_read("limits_memory", v, sizeof(v)));
	ASSERT_STREQ("auto", v);
	ASSERT_EQ(0, param_read("limits_fds", v, sizeof(v)));
	ASSERT_STREQ("auto", v);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&self->r));
	ASSERT_EQ(0, rcmgr_open(&self->rm));
}

FIXTURE_TEARDOWN(autoscale)
{
	param_write("limits_memory", "auto");
	param_write("limits_fds", "auto");
	rcmgr_close(self->rm);
	raw_close(&self->r);
}

/* The budgets follow the RAM: an eighth of it, and an fd per 16 KiB. */
TEST_F(autoscale, budgets_follow_ram)
{
	const char *expect = getenv("RCMGR_EXPECT_RAM_MIB");
	struct rcmgr_autoscale as;

	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	TH_LOG("ram %llu MiB", (unsigned long long)(as.ram >> 20));
	EXPECT_EQ(0, as.ram % (128 * MIB));
	EXPECT_EQ(as.ram / 8, as.memory);
	EXPECT_EQ(as.ram / 16384, as.fds);
	if (expect)
		EXPECT_EQ(strtoull(expect, NULL, 10) * MIB, as.ram);
}

/* The documented table for the RAM the VM booted with. */
TEST_F(autoscale, defaults_equal_table)
{
	struct rcmgr_autoscale as;

	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	if (as.ram == 512 * MIB)
		check_table(_metadata, &self->r, ram_512m);
	else if (as.ram == 2048 * MIB)
		check_table(_metadata, &self->r, ram_2g);
	else
		SKIP(return, "no table for %llu MiB of RAM",
		     (unsigned long long)(as.ram >> 20));
}

/* Module parameters set the budgets: new namespaces and resets use them. */
TEST_F(autoscale, parameters_set_budgets)
{
	struct rcmgr_autoscale as;
	struct raw_nl r2;
	char v[32];

	ASSERT_EQ(0, param_write("limits_memory", "1073741824"));
	ASSERT_EQ(0, param_write("limits_fds", "4096"));
	ASSERT_EQ(0, param_read("limits_memory", v, sizeof(v)));
	EXPECT_STREQ("1073741824", v);

	/* A live namespace keeps its limits until reset. */
	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	EXPECT_EQ(as.ram / 8, as.memory);
	ASSERT_EQ(0, req_limit_reset(&self->r));
	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	EXPECT_EQ(1ull << 30, as.memory);
	EXPECT_EQ(4096, as.fds);
	check_table(_metadata, &self->r, budget_1g_4096);

	/* A new namespace starts from them. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&r2));
	check_table(_metadata, &r2, budget_1g_4096);

	/* Back to auto: a reset scales from the RAM again. */
	ASSERT_EQ(0, param_write("limits_memory", "auto"));
	ASSERT_EQ(0, param_write("limits_fds", "auto"));
	ASSERT_EQ(0, req_limit_reset(&r2));
	if (as.ram == 2048 * MIB)
		check_table(_metadata, &r2, ram_2g);
	raw_close(&r2);
	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	EXPECT_EQ(1ull << 30, as.memory);
}

/* A reset drops changed limits back to the autoscaled defaults. */
TEST_F(autoscale, reset_returns_to_defaults)
{
	uint64_t before[8], after[8];

	ASSERT_EQ(0, class_limits(&self->r, RCMGR_CLASS_PEER, before));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_PEER, NULL,
			       RCMGR_A_RESOURCES_FD, 3));
	ASSERT_EQ(0, class_limits(&self->r, RCMGR_CLASS_PEER, after));
	EXPECT_EQ(3, after[7]);
	ASSERT_EQ(0, req_limit_reset(&self->r));
	ASSERT_EQ(0, class_limits(&self->r, RCMGR_CLASS_PEER, after));
	EXPECT_EQ(0, memcmp(before, after, sizeof(before)));
}

/* Bad budgets are refused and change nothing. */
TEST_F(autoscale, bad_parameters_refused)
{
	static const char *const bad[] = {
		"-1", "abc", "1125899906842625", "0x", "auto2",
	};
	unsigned int i;
	uint64_t s[8];
	char v[32];
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = param_write("limits_memory", bad[i]);
		if (ret >= 0)
			TH_LOG("limits_memory=\"%s\" accepted", bad[i]);
		EXPECT_GT(0, ret);
	}
	EXPECT_EQ(-ERANGE, param_write("limits_fds", "2147483649"));
	EXPECT_EQ(-ERANGE, param_write("limits_fds", "-5"));
	ASSERT_EQ(0, param_read("limits_memory", v, sizeof(v)));
	EXPECT_STREQ("auto", v);
	ASSERT_EQ(0, param_read("limits_fds", v, sizeof(v)));
	EXPECT_STREQ("auto", v);
	/* The largest budgets scale without overflow. */
	ASSERT_EQ(0, param_write("limits_memory", "1125899906842624"));
	ASSERT_EQ(0, param_write("limits_fds", "2147483648"));
	ASSERT_EQ(0, req_limit_reset(&self->r));
	ASSERT_EQ(0, class_limits(&self->r, RCMGR_CLASS_SYSTEM, s));
	EXPECT_EQ((128ull << 20) + (1ull << 50), s[0]);
	EXPECT_EQ(2048 + (2048ull << 20), s[3]);
	EXPECT_EQ(2147483648ull, s[7]);
}

TEST_HARNESS_MAIN
