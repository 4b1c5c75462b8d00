/*
 * KubeLI DPDK shim: plain C functions around DPDK's inline receive/free calls, called from Java via FFM.
 * Receive fills a per-queue burst area: header {u64 last clock timestamp; u32 n; u32 max} then n records
 * {u64 data address; u32 captured length; u32 wire length; u64 timestamp ns} and, after max records,
 * the mbuf pointers (freed by the next receive call or by kb_burst_free).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>
#include <rte_mbuf_pool_ops.h>

#define KB_MAX_PORTS RTE_MAX_ETHPORTS

struct kb_rec {
	uint64_t addr;
	uint32_t caplen;
	uint32_t wirelen;
	uint64_t ts;
};

struct kb_burst {
	uint64_t reserved; /* the last clock timestamp given on this queue (zeroed by Java) */
	uint32_t n;
	uint32_t max;
	struct kb_rec rec[];
	/* followed by struct rte_mbuf *mbufs[max] */
};

static int ts_offset = -1;
static uint64_t ts_flag;
static int port_ts[KB_MAX_PORTS];                 /* 1: port gives ns epoch timestamps (net_pcap) */
static struct rte_mempool *port_pool[KB_MAX_PORTS];
static struct rte_device *port_dev[KB_MAX_PORTS];

static void set_err(char *err, int errlen, const char *fmt, const char *what, int rc)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, what, rc, rte_strerror(rc < 0 ? -rc : rc));
}

/* Version probe: lets Java check it loaded the right library. */
int kb_version(void)
{
	return 1;
}

/* Initialises the EAL; returns 0 or a negative errno. Call once per process. */
int kb_eal_init(int argc, char **argv)
{
	int rc = rte_eal_init(argc, argv);
	if (rc < 0)
		return -(rte_errno != 0 ? rte_errno : EINVAL);
	rte_mp_disable(); /* single process: lets capture threads register as lcores */
	return 0;
}

int kb_eal_cleanup(void)
{
	return rte_eal_cleanup();
}

/* Registers the calling thread as an EAL thread (mempool caches); pins it to cpu when cpu >= 0. */
int kb_thread_setup(int cpu)
{
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		int rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (rc != 0)
			return -rc;
	}
	if (rte_lcore_id() == LCORE_ID_ANY && rte_thread_register() != 0)
		return -rte_errno;
	return (int)rte_lcore_id();
}

void kb_thread_release(void)
{
	if (rte_lcore_id() != LCORE_ID_ANY)
		rte_thread_unregister();
}

static struct rte_mempool *make_pool(const char *name, unsigned n, unsigned dataroom, int no_iova_contig,
				     int socket)
{
	unsigned elt = sizeof(struct rte_mbuf) + dataroom;
	unsigned cache = n / 4 < 256 ? n / 4 : 256;
	struct rte_mempool *mp = rte_mempool_create_empty(name, n, elt, cache,
		sizeof(struct rte_pktmbuf_pool_private), socket,
		no_iova_contig ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), NULL) != 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	struct rte_pktmbuf_pool_private priv;
	memset(&priv, 0, sizeof(priv));
	priv.mbuf_data_room_size = dataroom;
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

/*
 * Probes (if needed) and starts a port. devargs: vdev string ("net_pcap0,rx_pcap=...") or PCI address;
 * name: the ethdev name (vdev name or PCI address). Returns the port id or a negative errno; err gets text.
 * *out_queues gets the number of RX queues set up (min of wanted and the device maximum when clamp != 0).
 */
int kb_port_open(const char *devargs, const char *name, int queues, int clamp, int rx_desc, int mbufs,
		 int dataroom, int no_iova_contig, int promisc, int *out_queues, char *err, int errlen)
{
	uint16_t port;
	int probed = 0;
	int rc = rte_eth_dev_get_port_by_name(name, &port);
	if (rc != 0) {
		rc = rte_dev_probe(devargs);
		if (rc != 0) {
			set_err(err, errlen, "cannot probe device %s: %d %s", devargs, rc);
			return rc < 0 ? rc : -rc;
		}
		probed = 1;
		rc = rte_eth_dev_get_port_by_name(name, &port);
		if (rc != 0) {
			set_err(err, errlen, "device %s probed but no ethdev port of that name: %d %s", name, rc);
			return -ENODEV;
		}
	}
	struct rte_eth_dev_info info;
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0) {
		set_err(err, errlen, "rte_eth_dev_info_get(%s): %d %s", name, rc);
		return rc;
	}
	port_dev[port] = info.device;
	if (queues > info.max_rx_queues) {
		if (!clamp) {
			snprintf(err, errlen, "device %s has at most %u RX queues, %d requested", name,
				 info.max_rx_queues, queues);
			return -EINVAL;
		}
		queues = info.max_rx_queues;
	}
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	uint8_t key[64];
	if (queues > 1 && info.flow_type_rss_offloads != 0) {
		/* symmetric Toeplitz key: both directions of a flow land on one queue */
		for (unsigned i = 0; i < sizeof(key); i += 2) {
			key[i] = 0x6d;
			key[i + 1] = 0x5a;
		}
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = info.hash_key_size > 0 && info.hash_key_size <= sizeof(key)
			? key : NULL;
		conf.rx_adv_conf.rss_conf.rss_key_len = conf.rx_adv_conf.rss_conf.rss_key ? info.hash_key_size : 0;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	port_ts[port] = 0;
	/* net_pcap stamps each mbuf with the file's time (epoch µs) in the Rx timestamp dynfield; other
	 * vdevs (af_packet, af_xdp) give none and NIC stamps are device clock units: those get the burst clock */
	if (strncmp(info.driver_name, "net_pcap", 8) == 0) {
		if (ts_offset < 0)
			rte_mbuf_dyn_rx_timestamp_register(&ts_offset, &ts_flag);
		if (ts_offset >= 0) {
			if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)
				conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
			port_ts[port] = 1;
		}
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	uint16_t txq = info.max_tx_queues > 0 ? 1 : 0; /* some PMDs refuse to start without a TX queue */
	rc = rte_eth_dev_configure(port, queues, txq, &conf);
	if (rc != 0) {
		set_err(err, errlen, "rte_eth_dev_configure(%s): %d %s", name, rc);
		goto fail;
	}
	uint16_t nb_rx = rx_desc, nb_tx = 512;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rx, &nb_tx);
	if (port_pool[port] == NULL) {
		char pool[RTE_MEMPOOL_NAMESIZE];
		snprintf(pool, sizeof(pool), "kb_pool_%u", port);
		port_pool[port] = make_pool(pool, mbufs, dataroom, no_iova_contig, (int)rte_eth_dev_socket_id(port) < 0
					    ? SOCKET_ID_ANY : rte_eth_dev_socket_id(port));
		if (port_pool[port] == NULL) {
			rc = -(rte_errno != 0 ? rte_errno : ENOMEM);
			set_err(err, errlen, "cannot create mbuf pool for %s: %d %s", name, rc);
			goto fail;
		}
	}
	for (int q = 0; q < queues; q++) {
		rc = rte_eth_rx_queue_setup(port, q, nb_rx, rte_eth_dev_socket_id(port), NULL, port_pool[port]);
		if (rc != 0) {
			set_err(err, errlen, "rte_eth_rx_queue_setup(%s): %d %s", name, rc);
			goto fail;
		}
	}
	for (int q = 0; q < txq; q++) {
		rc = rte_eth_tx_queue_setup(port, q, nb_tx, rte_eth_dev_socket_id(port), NULL);
		if (rc != 0) {
			set_err(err, errlen, "rte_eth_tx_queue_setup(%s): %d %s", name, rc);
			goto fail;
		}
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		set_err(err, errlen, "rte_eth_dev_start(%s): %d %s", name, rc);
		goto fail;
	}
	if (promisc)
		rte_eth_promiscuous_enable(port); /* not every PMD supports it */
	rte_eth_stats_reset(port);
	*out_queues = queues;
	return port;
fail:
	if (probed) {
		rte_eth_dev_close(port);
		if (port_dev[port] != NULL)
			rte_dev_remove(port_dev[port]);
		port_dev[port] = NULL;
	}
	if (port_pool[port] != NULL) {
		rte_mempool_free(port_pool[port]);
		port_pool[port] = NULL;
	}
	return rc < 0 ? rc : -rc;
}

/* Frees the previous burst (if any), then receives up to max packets from one queue; returns n. */
int kb_rx(uint16_t port, uint16_t queue, struct kb_burst *b)
{
	struct rte_mbuf **mbufs = (struct rte_mbuf **)&b->rec[b->max];
	if (b->n > 0) {
		rte_pktmbuf_free_bulk(mbufs, b->n);
		b->n = 0;
	}
	uint16_t n = rte_eth_rx_burst(port, queue, mbufs, (uint16_t)b->max);
	if (n == 0)
		return 0;
	int pmd_ts = port_ts[port];
	uint64_t last = b->reserved; /* the last clock time this queue gave */
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = mbufs[i];
		struct kb_rec *r = &b->rec[i];
		r->addr = (uint64_t)(uintptr_t)rte_pktmbuf_mtod(m, void *);
		r->caplen = m->data_len;
		r->wirelen = m->pkt_len;
		if (pmd_ts && (m->ol_flags & ts_flag)) {
			r->ts = *RTE_MBUF_DYNFIELD(m, ts_offset, rte_mbuf_timestamp_t *) * 1000ull; /* net_pcap: µs */
			continue;
		}
		/* each packet its own capture time (a vDSO clock read), strictly increasing on this queue */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		uint64_t ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
		last = ts > last ? ts : last + 1;
		r->ts = last;
	}
	b->reserved = last;
	b->n = n;
	return n;
}

/* Frees the mbufs of the last burst. */
void kb_burst_free(struct kb_burst *b)
{
	if (b->n > 0) {
		rte_pktmbuf_free_bulk((struct rte_mbuf **)&b->rec[b->max], b->n);
		b->n = 0;
	}
}

/* Bytes needed for a burst area of max packets. */
long kb_burst_size(int max)
{
	return (long)sizeof(struct kb_burst) + (long)max * (sizeof(struct kb_rec) + sizeof(void *));
}

/* out[0..5] = ipackets, ibytes, imissed, ierrors, rx_nombuf, sum of q_errors. */
int kb_stats(uint16_t port, uint64_t *out)
{
	struct rte_eth_stats s;
	int rc = rte_eth_stats_get(port, &s);
	if (rc != 0)
		return rc;
	uint64_t qe = 0;
	for (int i = 0; i < RTE_ETHDEV_QUEUE_STAT_CNTRS; i++)
		qe += s.q_errors[i];
	out[0] = s.ipackets;
	out[1] = s.ibytes;
	out[2] = s.imissed;
	out[3] = s.ierrors;
	out[4] = s.rx_nombuf;
	out[5] = qe;
	return 0;
}

/* Stops and closes a port, removes its device (so it can be probed again) and frees its pool. */
int kb_port_close(uint16_t port, int remove)
{
	int rc = rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	if (remove && port_dev[port] != NULL) {
		int r = rte_dev_remove(port_dev[port]);
		if (rc == 0)
			rc = r;
	}
	port_dev[port] = NULL;
	if (port_pool[port] != NULL) {
		rte_mempool_free(port_pool[port]);
		port_pool[port] = NULL;
	}
	return rc;
}

/*
 * The AF_PACKET sockets of this process bound to interface ifname (from /proc/self/fd): the af_packet PMD keeps
 * its sockets private and does not report their drops, so Java diffs this list around the probe to find them.
 * Writes up to max fds to out; returns how many there are (may exceed max) or a negative errno.
 */
int kb_packet_fds(const char *ifname, int *out, int max)
{
	unsigned ifindex = if_nametoindex(ifname);
	if (ifindex == 0)
		return -errno;
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -errno;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end != 0 || e->d_name[0] == 0 || fd == dirfd(d))
			continue;
		struct sockaddr_ll sll;
		socklen_t len = sizeof(sll);
		memset(&sll, 0, sizeof(sll));
		if (getsockname((int)fd, (struct sockaddr *)&sll, &len) != 0 || sll.sll_family != AF_PACKET
		    || (unsigned)sll.sll_ifindex != ifindex)
			continue;
		if (n < max)
			out[n] = (int)fd;
		n++;
	}
	closedir(d);
	return n;
}

/* Drops of AF_PACKET socket fd since the last call (PACKET_STATISTICS resets on read), or a negative errno. */
long kb_packet_drops(int fd)
{
	struct tpacket_stats_v3 st; /* tp_packets, tp_drops first in every version */
	socklen_t len = sizeof(st);
	memset(&st, 0, sizeof(st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0)
		return -errno;
	return (long)st.tp_drops;
}
