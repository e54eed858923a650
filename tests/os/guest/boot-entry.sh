#!/bin/sh
# boot-entry.sh - run inside the booted test image (pvhboot-test-run.service;
# put on the ESP by tests/os/debian.sh with os_run_script) on a system
# booted Debian's default way, GRUB's own entry with vmlinuz as EFI stub,
# which has EFI runtime services: `pvhboot-install install` as a user runs
# it (EFI variables allowed), twice (another entry put first in between),
# must leave one firmware boot entry for \EFI\pvhboot\pvhboot.efi, first
# in BootOrder. Exits non-zero otherwise; on success the last line names
# the entry for the host's next boot:
#   PVHBOOT-ENTRY: registered BootNNNN, first of BootOrder NNNN,...
say() { echo "PVHBOOT-ENTRY: $*"; }
fail() {
	say "failed: $*"
	exit 1
}
vars=/sys/firmware/efi/efivars
n=$(find "$vars" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
[ "$n" -gt 0 ] || fail "no EFI variables in $vars (not booted through UEFI with runtime services)"
say "efivars: $n variables"
pvhboot-install install || fail "pvhboot-install install: status $?"
# Another entry put first since (as a firmware setup menu or another
# loader's install would): the second run finds the entry, makes no other,
# and puts it first again.
order=$(efibootmgr | sed -n 's/^BootOrder: *//p')
case $order in
*,*)
	efibootmgr -q --bootorder "${order#*,},${order%%,*}" || fail "efibootmgr --bootorder: status $?"
	say "BootOrder changed to $(efibootmgr | sed -n 's/^BootOrder: *//p')"
	;;
*) fail "BootOrder '$order' after install: want pvhboot's entry and the firmware's" ;;
esac
pvhboot-install install || fail "pvhboot-install install (again): status $?"
list=/run/efibootmgr.txt
efibootmgr -v >"$list" || fail "efibootmgr -v: status $?"
cat "$list"
ours=$(grep -i 'EFI\\pvhboot\\pvhboot\.efi' "$list" | sed -n 's/^Boot\([0-9A-Fa-f]\{4\}\).*/\1/p')
n=$(printf '%s\n' "$ours" | grep -c .)
[ "$n" = 1 ] || fail "$n firmware boot entries for \\EFI\\pvhboot\\pvhboot.efi after two installs, want 1"
order=$(sed -n 's/^BootOrder: *//p' "$list")
[ "${order%%,*}" = "$ours" ] || fail "Boot$ours is not first in BootOrder $order"
say "registered Boot$ours, first of BootOrder $order"
