/*
 * disk_boot.c - firmware mode (see disk.h): find the disks, then on each in
 * turn the partition table, the ESP (and XBOOTLDR), loader.conf and the
 * Boot Loader Specification entries; pick an entry as the UEFI loader does
 * (same parsers, same order, same default), read its kernel and initrds
 * into free RAM, and hand the request to boot_run(). Caller:
 * loader_pvh_main() when the VMM gave no module.
 */
#include "loader/disk/disk.h"
#include "fs/fat.h"
#include "fs/part.h"
#include "hw/portio.h"
#include "hw/tsc.h"
#include "lib/crc32.h"
#include "lib/fmt.h"
#include "loader/boot.h"
#include "loader/config/bls.h"
#include "loader/config/loader_conf.h"
#include "loader/config/menu_select.h"
#include "loader/console.h"
#include "loader/disk/disk_menu.h"
#include "xen/xen_guest.h"

extern char __image_end[];

#define CONF_FILE_MAX 65536u /* loader.conf or one entry */
#define CRC_CHUNK (8u << 20)

enum vol_id { VOL_ESP, VOL_XBOOTLDR, VOL_COUNT };

struct entry_list {
	unsigned n;
	struct bls_entry e[CONFIG_MAX_ENTRIES];
	uint8_t vol[CONFIG_MAX_ENTRIES]; /* enum vol_id the entry (and its files) is on */
	struct fat_vol *cur_vol;
	enum vol_id cur_id;
	const char *disk;
};

static struct disk disks[DISK_MAX];
static struct memmap stage_map;
static struct disk_stage stage;
/*
 * The readers' state and the entries: about 0.8 MB, more than the image may
 * grow (it stays below 2 MiB), so it lives in staging memory, taken first.
 */
struct disk_work {
	struct part_table ptable;
	struct blkdev_slice slices[VOL_COUNT];
	struct fat_vol vols[VOL_COUNT];
	bool vol_ok[VOL_COUNT];
	struct entry_list list;
	struct loader_conf conf;
	uint8_t file_buf[CONF_FILE_MAX];
};
static struct disk_work *work;
static uint32_t tsc_khz;
static struct disk *cur_disk; /* the disk being scanned, then booted from */
static const struct loader_options *opts;

uint64_t disk_ms(uint64_t t0, uint64_t t1)
{
	return tsc_khz ? (t1 - t0) / tsc_khz : 0;
}

static void print_time(const char *what, uint64_t bytes, uint64_t t0, uint64_t t1)
{
	uint64_t ms = disk_ms(t0, t1);
	if (!tsc_khz) {
		console_printf("%s: %llu bytes in %llu TSC cycles\n", what, (unsigned long long)bytes,
			       (unsigned long long)(t1 - t0));
		return;
	}
	if (!bytes) {
		console_printf("%s: %llu ms\n", what, (unsigned long long)ms);
		return;
	}
	/* MB/s = bytes / (1000 * ms) */
	uint64_t kbps = ms ? bytes / ms : 0; /* bytes per ms = kB/s */
	console_printf("%s: %llu bytes in %llu ms (%llu MB/s)\n", what, (unsigned long long)bytes,
		       (unsigned long long)ms, (unsigned long long)(kbps / 1000));
}

/* pvhboot.disk-crc: the whole disk through the driver, its CRC-32 and read time. */
static void disk_crc(struct disk *d)
{
	struct disk_stage scratch = stage;
	uint64_t buf = disk_stage_alloc(&scratch, CRC_CHUNK);
	struct err err;
	uint32_t crc = 0;

	if (!buf) {
		console_printf("pvhboot: disk %s: no room for a %u-byte buffer\n", d->name, CRC_CHUNK);
		return;
	}
	uint64_t cycles = 0, sectors = d->dev.nsectors, per = CRC_CHUNK / d->dev.sector_size;
	for (uint64_t lba = 0; lba < sectors;) {
		uint64_t n = sectors - lba < per ? sectors - lba : per;
		err_clear(&err);
		uint64_t t0 = cpu_rdtsc();
		if (blkdev_read(&d->dev, lba, n, (void *)(uintptr_t)buf, &err)) {
			console_printf("pvhboot: disk %s: %s\n", d->name, err.msg);
			return;
		}
		cycles += cpu_rdtsc() - t0;
		crc = crc32_update(crc, (const void *)(uintptr_t)buf, (size_t)(n * d->dev.sector_size));
		lba += n;
	}
	char what[96];
	fmt_snprintf(what, sizeof(what), "pvhboot: disk %s: crc32 0x%08x, %llu requests", d->name,
		     crc, (unsigned long long)disk_requests(d));
	print_time(what, sectors * d->dev.sector_size, 0, cycles);
}

static bool ends_with_conf(const char *s)
{
	size_t n = strlen(s);
	if (n < 6)
		return false;
	const char *t = s + n - 5;
	return t[0] == '.' && (t[1] | 0x20) == 'c' && (t[2] | 0x20) == 'o' &&
	       (t[3] | 0x20) == 'n' && (t[4] | 0x20) == 'f';
}

/* fat_list callback: parse one entry file; a broken one is reported and skipped. */
static int entry_cb(void *ctx, const struct fat_file *f)
{
	struct entry_list *l = ctx;
	struct err err;
	char id[CONFIG_ID_MAX];
	uint32_t len;

	if (f->is_dir || !ends_with_conf(f->name))
		return 0;
	if (l->n >= CONFIG_MAX_ENTRIES) {
		console_printf("pvhboot: warning: more than %d entries; %s ignored\n",
			       CONFIG_MAX_ENTRIES, f->path);
		return 0;
	}
	err_clear(&err);
	if (f->size > CONF_FILE_MAX) {
		console_printf("pvhboot: warning: %s: %u bytes, at most %u: skipped\n", f->path,
			       f->size, CONF_FILE_MAX);
		return 0;
	}
	len = f->size;
	if ((len && fat_read(l->cur_vol, f, 0, work->file_buf, len, &err)) ||
	    bls_id_from_filename(id, sizeof(id), f->name, &err) ||
	    bls_parse(&l->e[l->n], id, work->file_buf, len, f->path, &err)) {
		console_printf("pvhboot: warning: %s: entry skipped: %s\n", f->path, err.msg);
		return 0;
	}
	struct bls_entry *e = &l->e[l->n];
	console_printf("pvhboot: %s: entry '%s': %s, linux %s, %u initrd%s\n", l->disk, e->id,
		       bls_display_title(e), e->linux_path, e->ninitrd, e->ninitrd == 1 ? "" : "s");
	l->vol[l->n] = (uint8_t)l->cur_id;
	l->n++;
	return 0;
}

static void list_entries(struct disk *d, enum vol_id id)
{
	struct fat_file dir;
	struct err err;

	err_clear(&err);
	int rc = fat_lookup(&work->vols[id], "/loader/entries", &dir, &err);
	if (rc == FAT_NOT_FOUND)
		return;
	if (rc || !dir.is_dir) {
		console_printf("pvhboot: %s: /loader/entries: %s\n", work->slices[id].name,
			       rc ? err.msg : "not a directory");
		return;
	}
	work->list.cur_vol = &work->vols[id];
	work->list.cur_id = id;
	work->list.disk = work->slices[id].name;
	(void)d;
	if (fat_list(&work->vols[id], &dir, entry_cb, &work->list, &err))
		console_printf("pvhboot: %s: /loader/entries: %s\n", work->slices[id].name, err.msg);
}

static bool mount_part(struct disk *d, const struct part *p, enum vol_id id)
{
	struct err err;
	char suffix[8];

	err_clear(&err);
	fmt_snprintf(suffix, sizeof(suffix), "%u", p->number);
	if (blkdev_slice_init(&work->slices[id], &d->dev, p->start_lba, p->nsectors, suffix, &err) ||
	    fat_mount(&work->vols[id], &work->slices[id].dev, &err)) {
		console_printf("pvhboot: %s: %s partition %u: %s\n", d->name, part_kind_name(p->kind),
			       p->number, err.msg);
		return false;
	}
	console_printf("pvhboot: %s: %s FAT%u, %u clusters of %u bytes\n", work->slices[id].name,
		       part_kind_name(p->kind), work->vols[id].type, work->vols[id].cluster_count,
		       work->vols[id].cluster_bytes);
	return true;
}

/* Read one file of the entry into staging memory; fails the boot with its reason. */
static void load_file(const char *path, enum vol_id id, struct bootreq_blob *blob,
		      const char *entry)
{
	struct fat_file f;
	struct err err;
	char msg[ERR_MSG_MAX + 96];

	err_clear(&err);
	int rc = fat_lookup(&work->vols[id], path, &f, &err);
	if (rc == FAT_NOT_FOUND || (rc == 0 && f.is_dir)) {
		fmt_snprintf(msg, sizeof(msg), "entry '%s': %s: %s on %s", entry, path,
			     rc ? "no such file" : "a directory", work->slices[id].name);
		loader_fail(opts, msg);
	}
	if (rc == 0 && fat_check_chain(&work->vols[id], &f, &err))
		rc = -1;
	if (rc) {
		fmt_snprintf(msg, sizeof(msg), "entry '%s': %s", entry, err.msg);
		loader_fail(opts, msg);
	}
	uint64_t addr = f.size ? disk_stage_alloc(&stage, f.size) : stage.top;
	if (f.size && !addr) {
		fmt_snprintf(msg, sizeof(msg), "entry '%s': %s: %u bytes, only %llu bytes of RAM left "
					       "below 4 GiB to read it into", entry, path, f.size,
			     (unsigned long long)(stage.top - stage.floor));
		loader_fail(opts, msg);
	}
	uint64_t req0 = disk_requests(cur_disk);
	uint64_t t0 = cpu_rdtsc();
	if (f.size && fat_read(&work->vols[id], &f, 0, (void *)(uintptr_t)addr, f.size, &err)) {
		fmt_snprintf(msg, sizeof(msg), "entry '%s': %s", entry, err.msg);
		loader_fail(opts, msg);
	}
	uint64_t t1 = cpu_rdtsc();
	char what[CONFIG_PATH_MAX + 64];
	fmt_snprintf(what, sizeof(what), "pvhboot: %s: %s at 0x%llx, %llu requests",
		     work->slices[id].name, path, (unsigned long long)addr,
		     (unsigned long long)(disk_requests(cur_disk) - req0));
	print_time(what, f.size, t0, t1);
	*blob = (struct bootreq_blob){
		.addr = addr, .size = f.size, .data = (const uint8_t *)(uintptr_t)addr,
		.name = NULL, .cmdline = "",
	};
}

static const char *pool_dup(struct bootreq *req, const char *s)
{
	struct err err;

	err_clear(&err);
	const char *d = bootreq_strdup(req, s, BOOTREQ_MAX_STRING, &err);
	if (!d)
		loader_fail(opts, err.msg);
	return d;
}

__attribute__((noreturn)) static void boot_entry(struct bootreq *req, unsigned chosen)
{
	const struct bls_entry *e = &work->list.e[chosen];
	enum vol_id id = work->list.vol[chosen];
	struct err err;
	char cmdline[BOOTREQ_MAX_STRING];

	console_printf("pvhboot: booting entry '%s' (%s) from %s\n", e->id, bls_display_title(e),
		       work->slices[id].name);
	/* The entry's options, then what the VMM's command line adds. */
	const char *vmm = req->kernel.cmdline ? req->kernel.cmdline : "";
	size_t n = fmt_snprintf(cmdline, sizeof(cmdline), "%s%s%s", e->options,
				e->options[0] && vmm[0] ? " " : "", vmm);
	if (n >= sizeof(cmdline))
		loader_fail(opts, "entry options and the VMM's command line: longer than 4095 bytes");
	const char *cmd = pool_dup(req, cmdline);

	struct bootreq_blob kernel;
	load_file(e->linux_path, id, &kernel, e->id);
	kernel.name = pool_dup(req, e->linux_path);
	kernel.cmdline = cmd;
	for (unsigned i = 0; i < e->ninitrd; i++) {
		struct bootreq_blob m;
		load_file(e->initrd[i], id, &m, e->id);
		m.name = pool_dup(req, e->initrd[i]);
		err_clear(&err);
		if (bootreq_add_module(req, &m, &err))
			loader_fail(opts, err.msg);
	}
	req->kernel = kernel;
	req->have_kernel = true;
	boot_run(req, opts);
}

/* One disk: its entries, or false with the reason printed. */
static bool scan_disk(struct disk *d)
{
	struct err err;

	cur_disk = d;
	err_clear(&err);
	if (part_scan(&d->dev, &work->ptable, &err)) {
		console_printf("pvhboot: disk %s: %s\n", d->name, err.msg);
		return false;
	}
	console_printf("pvhboot: disk %s: %s, %u partition%s%s\n", d->name,
		       work->ptable.scheme == PART_SCHEME_GPT ? "GPT" : "MBR", work->ptable.count,
		       work->ptable.count == 1 ? "" : "s",
		       work->ptable.gpt_from_backup ? " (backup GPT: the primary is bad)" : "");
	for (unsigned i = 0; i < work->ptable.count; i++) {
		const struct part *p = &work->ptable.parts[i];
		console_printf("pvhboot:   %s%u: %s, sectors %llu-%llu (%llu MiB)%s%s%s\n", d->name,
			       p->number, part_kind_name(p->kind), (unsigned long long)p->start_lba,
			       (unsigned long long)(p->start_lba + p->nsectors - 1),
			       (unsigned long long)((p->nsectors * d->dev.sector_size) >> 20),
			       p->name[0] ? " '" : "", p->name, p->name[0] ? "'" : "");
	}
	const struct part *esp = part_find(&work->ptable, PART_ESP);
	const struct part *xbl = part_find(&work->ptable, PART_XBOOTLDR);
	if (!esp) {
		console_printf("pvhboot: disk %s: no EFI system partition\n", d->name);
		return false;
	}
	work->vol_ok[VOL_ESP] = mount_part(d, esp, VOL_ESP);
	work->vol_ok[VOL_XBOOTLDR] = xbl && mount_part(d, xbl, VOL_XBOOTLDR);
	if (!work->vol_ok[VOL_ESP])
		return false;

	loader_conf_defaults(&work->conf);
	uint32_t len;
	err_clear(&err);
	int rc = fat_read_file(&work->vols[VOL_ESP], "/loader/loader.conf", work->file_buf,
			       sizeof(work->file_buf), &len, &err);
	if (rc == 0 && loader_conf_parse(&work->conf, work->file_buf, len, "/loader/loader.conf", &err))
		rc = -1;
	if (rc < 0) {
		console_printf("pvhboot: %s: %s: using defaults\n", work->slices[VOL_ESP].name, err.msg);
		loader_conf_defaults(&work->conf);
	} else if (rc == 0) {
		console_printf("pvhboot: %s: /loader/loader.conf: default '%s', %s\n",
			       work->slices[VOL_ESP].name, work->conf.default_pattern,
			       work->conf.menu == LOADER_MENU_HIDDEN ? "no menu" :
			       work->conf.menu == LOADER_MENU_FORCE  ? "menu until a key" :
								 "menu with a timeout");
	}
	work->list.n = 0;
	list_entries(d, VOL_ESP);
	if (work->vol_ok[VOL_XBOOTLDR])
		list_entries(d, VOL_XBOOTLDR);
	if (work->list.n == 0) {
		console_printf("pvhboot: disk %s: no boot entries (/loader/entries/*.conf) on the "
			       "ESP%s\n", d->name, work->vol_ok[VOL_XBOOTLDR] ? " or XBOOTLDR" : "");
		return false;
	}
	return true;
}

/*
 * No PIT to measure against (microvm): the rate Linux is told with
 * tsc_early_khz= on the VMM's command line, if it is there.
 */
static uint32_t cmdline_tsc_khz(const char *s)
{
	static const char key[] = "tsc_early_khz=";
	uint32_t khz = 0;

	for (const char *p = s; p && *p; p++) {
		if ((p == s || p[-1] == ' ') && strncmp(p, key, sizeof(key) - 1) == 0) {
			for (p += sizeof(key) - 1; *p >= '0' && *p <= '9' && khz < 100000000u; p++)
				khz = khz * 10u + (uint32_t)(*p - '0');
			return khz;
		}
	}
	return 0;
}

void disk_boot(struct bootreq *req, const struct loader_options *options)
{
	struct err err;

	opts = options;
	uint64_t t_start = cpu_rdtsc();
	tsc_khz = tsc_calibrate_khz();
	if (!tsc_khz)
		tsc_khz = xen_tsc_khz(); /* a Xen domU has no PIT */
	if (!tsc_khz)
		tsc_khz = cmdline_tsc_khz(req->kernel.cmdline);
	xen_pv_set_tsc_khz(tsc_khz);
	boot_set_release(disk_release);
	console_printf("pvhboot: firmware mode: no module given, booting from disk (TSC %u kHz)\n",
		       tsc_khz);
	err_clear(&err);
	if (memmap_normalise(&stage_map, req->raw, req->nraw, &err) ||
	    disk_stage_init(&stage, &stage_map, (uintptr_t)__image_end, &err))
		loader_fail(opts, err.msg);

	uint64_t work_addr = disk_stage_alloc(&stage, sizeof(*work));
	if (!work_addr)
		loader_fail(opts, "firmware: no RAM for the disk readers' state");
	work = (struct disk_work *)(uintptr_t)work_addr;
	memset(work, 0, sizeof(*work));

	unsigned n = disk_find(disks, DISK_MAX, &stage_map);
	if (opts->disk_crc)
		for (unsigned i = 0; i < n; i++)
			disk_crc(&disks[i]);
	for (unsigned i = 0; i < n; i++) {
		if (!scan_disk(&disks[i]))
			continue;
		unsigned order[CONFIG_MAX_ENTRIES];
		menu_sort(work->list.e, work->list.n, order);
		unsigned chosen = order[menu_pick_default(work->list.e, order, work->list.n,
							  work->conf.default_pattern)];
		if (work->conf.menu != LOADER_MENU_HIDDEN && work->list.n > 1)
			chosen = disk_menu_run(work->list.e, order, work->list.n, chosen, &work->conf, tsc_khz);
		print_time("pvhboot: disks scanned, entry chosen", 0, t_start, cpu_rdtsc());
		boot_entry(req, chosen);
	}
	loader_fail(opts, n ? "firmware mode: no bootable disk (no ESP with /loader/entries/*.conf)"
			      " and no modules: give a disk with an ESP, or the PVH kernel as the "
			      "module (QEMU: -initrd)" :
			      "firmware mode: no block device found (virtio-blk, or a Xen vbd) and no "
			      "modules: give a "
			      "disk, or the PVH kernel as the module (QEMU: -initrd)");
}
