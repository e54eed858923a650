@echo -off
# startup.nsh - run by the UEFI shell at its start (OVMF waits 5 s first,
# unless a key arrives). The shell passes the whole line as load options; the
# first word (the image path) is skipped. See configs/README-esp.md.
fs0:
\pvhboot.efi linux=\kernels\vmlinux initrd=\kernels\initrd.img -- root=/dev/vda1 ro console=ttyS0
