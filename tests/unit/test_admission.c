/*
 * Unit tests for admission (src/parent/admission.c), proxied clients
 * included, and the datagram
 * source filter (src/parent/datagram.c): pure functions of the
 * parent's state, checked on hand-built states.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config/config.h"
#include "net/cidr.h"
#include "parent/admission.h"
#include "parent/datagram.h"
#include "parent/server.h"
#include "tap.h"

#define NOW	((time_t)1700000000)

static struct sockaddr_storage
sa4(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, ip, &s4->sin_addr);
	return ss;
}

static struct sockaddr_storage
sa6(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons((unsigned short)port);
	inet_pton(AF_INET6, ip, &s6->sin6_addr);
	return ss;
}

static struct sockaddr_storage
sa_unix(void)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	return ss;
}

#define SA(ss)	((const struct sockaddr *)&(ss))

/* A configuration of two services and a server state for it. */
struct fixture {
	struct config	 cf;
	struct svc_conf	 sc[2];
	struct cidr	 allow[1], deny[1], proxies[1];
	struct server	 srv;
};

static void
fixture_init(struct fixture *fx, unsigned max_children)
{
	char err[128];

	memset(fx, 0, sizeof(*fx));
	fx->cf.cf_max_children = max_children;
	fx->cf.cf_services = fx->sc;
	fx->cf.cf_nservices = 2;
	fx->sc[0].sc_name = "one";
	fx->sc[1].sc_name = "two";
	if (cidr_parse("10.0.0.0/8", &fx->allow[0], err, sizeof(err)) == -1 ||
	    cidr_parse("10.6.6.0/24", &fx->deny[0], err, sizeof(err)) == -1 ||
	    cidr_parse("192.0.2.5", &fx->proxies[0], err, sizeof(err)) == -1)
		abort();
	if (server_init(&fx->srv, &fx->cf) == -1)
		abort();
}

static void
fixture_free(struct fixture *fx)
{
	server_free(&fx->srv);
}

/* Put a live child of service svc from peer into the table. */
static struct child *
add_child(struct fixture *fx, size_t svc, struct sockaddr_storage peer)
{
	unsigned i;

	for (i = 0; i < fx->srv.srv_nslots; i++)
		if (fx->srv.srv_children[i].ch_pid == 0)
			break;
	if (i == fx->srv.srv_nslots)
		abort();
	fx->srv.srv_children[i].ch_pid = (pid_t)(1000 + i);
	fx->srv.srv_children[i].ch_svc = svc;
	fx->srv.srv_children[i].ch_peer = peer;
	fx->srv.srv_live++;
	fx->srv.srv_counts[svc].sn_live++;
	return &fx->srv.srv_children[i];
}

static void
test_acl(void)
{
	struct fixture fx;
	struct sockaddr_storage in = sa4("10.1.2.3", 5000),
	    denied = sa4("10.6.6.7", 5000), out = sa4("192.0.2.1", 5000),
	    mapped = sa6("::ffff:10.1.2.3", 5000), v6 = sa6("2001:db8::1", 5),
	    local = sa_unix();

	fixture_init(&fx, 10);
	ok(admit_stream(&fx.srv, 0, SA(out), 1, NOW) == REFUSAL_NONE,
	    "no allow list: everyone");
	fx.sc[0].sc_allow = fx.allow;
	fx.sc[0].sc_nallow = 1;
	fx.sc[0].sc_deny = fx.deny;
	fx.sc[0].sc_ndeny = 1;
	ok(admit_stream(&fx.srv, 0, SA(in), 1, NOW) == REFUSAL_NONE,
	    "allow 10/8 admits 10.1.2.3");
	ok(admit_stream(&fx.srv, 0, SA(mapped), 1, NOW) == REFUSAL_NONE,
	    "and ::ffff:10.1.2.3, as IPv4");
	ok(admit_stream(&fx.srv, 0, SA(out), 1, NOW) == REFUSAL_ACL,
	    "192.0.2.1 is outside the allow list: acl");
	ok(admit_stream(&fx.srv, 0, SA(v6), 1, NOW) == REFUSAL_ACL,
	    "an IPv6 peer is outside an IPv4 allow list");
	ok(admit_stream(&fx.srv, 0, SA(denied), 1, NOW) == REFUSAL_ACL,
	    "deny wins over allow");
	ok(admit_stream(&fx.srv, 0, SA(local), 1, NOW) == REFUSAL_NONE,
	    "Unix clients are not subject to the lists");
	ok(admit_datagram(&fx.srv, 0, SA(denied), NOW) == REFUSAL_ACL,
	    "datagrams go through the same lists");
	ok(admit_stream(&fx.srv, 1, SA(out), 1, NOW) == REFUSAL_NONE,
	    "the lists are per service");
	fixture_free(&fx);
}

static void
test_counts(void)
{
	struct fixture fx;
	struct sockaddr_storage a = sa4("127.0.0.2", 1),
	    a2 = sa4("127.0.0.2", 2), b = sa4("127.0.0.3", 1),
	    am = sa6("::ffff:127.0.0.2", 9);

	fixture_init(&fx, 3);
	fx.sc[0].sc_per_source = 1;
	add_child(&fx, 0, a);
	ok(admit_stream(&fx.srv, 0, SA(a2), 1, NOW) == REFUSAL_PER_SOURCE,
	    "per_source = 1: a second connection from 127.0.0.2 is refused");
	ok(admit_stream(&fx.srv, 0, SA(am), 1, NOW) == REFUSAL_PER_SOURCE,
	    "the same address v4-mapped is the same source");
	ok(admit_stream(&fx.srv, 0, SA(b), 1, NOW) == REFUSAL_NONE,
	    "another address is another source");
	fx.sc[1].sc_per_source = 1;
	ok(admit_stream(&fx.srv, 1, SA(a2), 1, NOW) == REFUSAL_NONE,
	    "per_source counts per service");
	fx.sc[1].sc_per_source = 0;
	ok(admit_stream(&fx.srv, 0, SA(a2), 0, NOW) == REFUSAL_NONE,
	    "an inline answer counts against no child limit");
	fx.sc[0].sc_per_source = 0;
	fx.sc[0].sc_max_instances = 1;
	ok(admit_stream(&fx.srv, 0, SA(b), 1, NOW) == REFUSAL_MAX_INSTANCES,
	    "max_instances = 1 with one child alive");
	add_child(&fx, 1, b);
	add_child(&fx, 1, b);
	ok(admit_stream(&fx.srv, 1, SA(b), 1, NOW) == REFUSAL_MAX_CHILDREN,
	    "max_children = 3 with three alive, whatever the service");
	ok(admit_children_limit(REFUSAL_MAX_CHILDREN) &&
	    admit_children_limit(REFUSAL_MAX_INSTANCES) &&
	    admit_children_limit(REFUSAL_PER_SOURCE) &&
	    !admit_children_limit(REFUSAL_RATE) &&
	    !admit_children_limit(REFUSAL_ACL),
	    "reaping may lift the three child limits, not acl or rate");
	fixture_free(&fx);
}

static void
test_rate(void)
{
	struct fixture fx;
	struct sockaddr_storage a = sa4("127.0.0.2", 1);
	struct svc_count *sn;
	int i, admitted = 0;

	fixture_init(&fx, 10);
	sn = &fx.srv.srv_counts[0];
	fx.sc[0].sc_rate = 3;
	for (i = 0; i < 5; i++)
		if (admit_stream(&fx.srv, 0, SA(a), 1, NOW) == REFUSAL_NONE) {
			rate_take(&sn->sn_rate, NOW);
			admitted++;
		}
	ok(admitted == 3, "rate = 3: 3 of 5 admitted in one second (%d)",
	    admitted);
	ok(admit_stream(&fx.srv, 0, SA(a), 1, NOW) == REFUSAL_RATE,
	    "the fourth in the same second: rate");
	ok(admit_stream(&fx.srv, 0, SA(a), 1, NOW + 1) == REFUSAL_NONE,
	    "the next second starts afresh");
	ok(sn->sn_rate.rw_used == 3,
	    "asking changes nothing: admission is pure (%u used)",
	    sn->sn_rate.rw_used);
	rate_take(&sn->sn_rate, NOW + 1);
	ok(sn->sn_rate.rw_second == NOW + 1 && sn->sn_rate.rw_used == 1,
	    "rate_take in a new second counts from 1");
	fx.sc[0].sc_datagram_rate = 1;
	ok(admit_datagram(&fx.srv, 0, SA(a), NOW + 1) == REFUSAL_NONE,
	    "datagram_rate is counted apart from rate");
	rate_take(&sn->sn_dgram_rate, NOW + 1);
	ok(admit_datagram(&fx.srv, 0, SA(a), NOW + 1) == REFUSAL_RATE,
	    "datagram_rate = 1: the second datagram of a second is refused");
	fx.sc[0].sc_rate = 0;
	for (i = 0; i < 1000; i++)
		rate_take(&sn->sn_rate, NOW + 2);
	ok(admit_stream(&fx.srv, 0, SA(a), 1, NOW + 2) == REFUSAL_NONE,
	    "rate = 0 is unlimited");
	fx.sc[0].sc_rate = 5;
	ok(admit_stream(&fx.srv, 0, SA(a), 1, NOW + 2) == REFUSAL_RATE,
	    "rate = 5 with 1000 taken this second: rate");
	fx.sc[0].sc_max_instances = 1;
	add_child(&fx, 0, a);
	ok(admit_stream(&fx.srv, 0, SA(a), 1, NOW + 2) == REFUSAL_MAX_INSTANCES,
	    "counts come before the rate");
	ok(admit_stream(&fx.srv, 0, SA(a), 0, NOW + 2) == REFUSAL_RATE,
	    "an inline answer still obeys the rate");
	fixture_free(&fx);
}

/*
 * Behind a proxy: the parent checks proxy_from and the counts that need
 * no client; allow/deny and per_source wait for the real client.
 */
static void
test_proxied(void)
{
	struct fixture fx;
	struct sockaddr_storage lb = sa4("192.0.2.5", 40000),
	    lb_mapped = sa6("::ffff:192.0.2.5", 40001),
	    stranger = sa4("192.0.2.6", 40000), local = sa_unix(),
	    c1 = sa4("10.1.1.1", 1), c1b = sa4("10.1.1.1", 2),
	    c2 = sa4("10.1.1.2", 1), bad = sa4("10.6.6.6", 1),
	    out = sa4("198.51.100.1", 1);
	struct child *first, *second, *third;

	fixture_init(&fx, 10);
	fx.sc[0].sc_proxy = 3;
	fx.sc[0].sc_proxy_from = fx.proxies;
	fx.sc[0].sc_nproxy_from = 1;
	fx.sc[0].sc_allow = fx.allow;
	fx.sc[0].sc_nallow = 1;
	fx.sc[0].sc_deny = fx.deny;
	fx.sc[0].sc_ndeny = 1;
	fx.sc[0].sc_per_source = 1;
	ok(admit_stream(&fx.srv, 0, SA(lb), 1, NOW) == REFUSAL_NONE,
	    "the proxy, outside allow, is admitted: the lists wait for the "
	    "real client");
	ok(admit_stream(&fx.srv, 0, SA(lb_mapped), 1, NOW) == REFUSAL_NONE,
	    "the proxy v4-mapped too");
	ok(admit_stream(&fx.srv, 0, SA(stranger), 1, NOW) == REFUSAL_PROXY,
	    "a connection from outside proxy_from: proxy");
	ok(admit_stream(&fx.srv, 0, SA(c1), 1, NOW) == REFUSAL_PROXY,
	    "even from an allowed address: only proxies may connect");
	ok(admit_stream(&fx.srv, 0, SA(local), 1, NOW) == REFUSAL_NONE,
	    "a Unix client: its socket's mode decides");
	first = add_child(&fx, 0, lb);
	ok(admit_stream(&fx.srv, 0, SA(lb), 1, NOW) == REFUSAL_NONE,
	    "per_source = 1 does not count the proxy's connections");
	ok(admit_proxied(&fx.srv, first, SA(c1)) == REFUSAL_NONE,
	    "the first real client 10.1.1.1 is admitted");
	first->ch_peer = c1;	/* what parent/reports.c does next */
	second = add_child(&fx, 0, lb);
	ok(admit_proxied(&fx.srv, second, SA(c1b)) == REFUSAL_PER_SOURCE,
	    "a second session of 10.1.1.1: per_source");
	ok(admit_proxied(&fx.srv, second, SA(c2)) == REFUSAL_NONE,
	    "10.1.1.2 through the same proxy: admitted");
	ok(admit_proxied(&fx.srv, second, SA(bad)) == REFUSAL_ACL,
	    "a denied real client: acl");
	ok(admit_proxied(&fx.srv, second, SA(out)) == REFUSAL_ACL,
	    "a real client outside allow: acl");
	second->ch_report = 1;	/* its report is still awaited */
	third = add_child(&fx, 0, lb);
	ok(admit_proxied(&fx.srv, third, SA(lb)) == REFUSAL_ACL,
	    "a health check is the proxy itself, judged by the lists");
	fx.sc[0].sc_nallow = 0;
	ok(admit_proxied(&fx.srv, third, SA(lb)) == REFUSAL_NONE,
	    "and counted once: not with connections whose client is unknown");
	second->ch_report = 0;
	ok(admit_proxied(&fx.srv, third, SA(lb)) == REFUSAL_PER_SOURCE,
	    "(a child that never reported counts under the proxy's address)");
	fixture_free(&fx);
}

static void
test_reasons(void)
{
	is_str(refusal_word(REFUSAL_ACL), "acl", "reason acl");
	is_str(refusal_word(REFUSAL_MAX_CHILDREN), "max_children",
	    "reason max_children");
	is_str(refusal_word(REFUSAL_MAX_INSTANCES), "max_instances",
	    "reason max_instances");
	is_str(refusal_word(REFUSAL_PER_SOURCE), "per_source",
	    "reason per_source");
	is_str(refusal_word(REFUSAL_RATE), "rate", "reason rate");
	is_str(refusal_word(REFUSAL_PROXY), "proxy", "reason proxy");
	is_str(admit_detail(REFUSAL_PROXY), "not in proxy_from",
	    "its detail from admission: not in proxy_from");
	ok(admit_detail(REFUSAL_ACL) == NULL, "no detail for the others");
}

static void
bad_source(const char *what, struct sockaddr_storage ss, int want)
{
	ok(dgram_bad_source(SA(ss)) == want, "datagram from %s: %s", what,
	    want ? "no answer" : "answered");
}

static void
test_dgram_source(void)
{
	bad_source("127.0.0.1:40000", sa4("127.0.0.1", 40000), 0);
	bad_source("127.0.0.1:1023 (privileged)", sa4("127.0.0.1", 1023), 1);
	bad_source("127.0.0.1:1024", sa4("127.0.0.1", 1024), 0);
	bad_source("127.0.0.1:7 (echo)", sa4("127.0.0.1", 7), 1);
	bad_source("127.0.0.1:2049 (NFS)", sa4("127.0.0.1", 2049), 1);
	bad_source("0.0.0.0:40000", sa4("0.0.0.0", 40000), 1);
	bad_source("255.255.255.255:40000", sa4("255.255.255.255", 40000), 1);
	bad_source("224.0.0.1:40000 (multicast)", sa4("224.0.0.1", 40000), 1);
	bad_source("239.1.1.1:40000 (multicast)", sa4("239.1.1.1", 40000), 1);
	bad_source("223.1.1.1:40000", sa4("223.1.1.1", 40000), 0);
	bad_source("[::1]:40000", sa6("::1", 40000), 0);
	bad_source("[::1]:53", sa6("::1", 53), 1);
	bad_source("[::]:40000", sa6("::", 40000), 1);
	bad_source("[ff02::1]:40000", sa6("ff02::1", 40000), 1);
	bad_source("[::ffff:127.0.0.1]:40000",
	    sa6("::ffff:127.0.0.1", 40000), 0);
	bad_source("[::ffff:224.0.0.1]:40000",
	    sa6("::ffff:224.0.0.1", 40000), 1);
	bad_source("[::ffff:0.1.2.3]:40000", sa6("::ffff:0.1.2.3", 40000), 1);
	bad_source("[::ffff:127.0.0.1]:2049", sa6("::ffff:127.0.0.1", 2049), 1);
	bad_source("a Unix socket", sa_unix(), 1);
}

int
main(void)
{
	test_acl();
	test_counts();
	test_rate();
	test_proxied();
	test_reasons();
	test_dgram_source();
	return tap_done();
}
