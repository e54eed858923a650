#!/usr/bin/python3
"""ovmf-vars-add.py - add one non-authenticated UEFI variable to an OVMF
variable store file (OVMF_VARS*.fd), from the host, before QEMU starts.

  ovmf-vars-add.py VARS.fd NAME VENDOR_GUID ATTRIBUTES DATA_FILE [--x509-siglist OWNER_GUID]

With --x509-siglist, DATA_FILE is a DER certificate and the variable's data
is an EFI_SIGNATURE_LIST holding it as one EFI_CERT_X509 entry with the given
owner (the format of db, and of shim's MokList).

Caller: tests/boot/shim.sh (a MOK in shim's MokList, which only shim's
MokManager or an enrolled password prompt could write otherwise).

The layout followed is EDK2's (MdeModulePkg/Include/Guid/VariableFormat.h,
PI 1.7 vol. 3 for the firmware volume header): the volume header (its
HeaderLength at offset 48), then the variable store header (signature GUID
gEfiAuthenticatedVariableGuid, size, format 0x5A, state 0xFE), then
variables, each an AUTHENTICATED_VARIABLE_HEADER (60 bytes: StartId 0x55AA,
State, Reserved, Attributes, MonotonicCount, TimeStamp, PubKeyIndex,
NameSize, DataSize, VendorGuid) followed by its UTF-16 name and data, the
next header 4-byte aligned. The new variable goes where the first header
is missing (the erased 0xFF area); the variable driver finds it there on
its next start as it finds the ones it wrote itself.
"""
import struct
import sys
import uuid

AUTH_VAR_STORE_GUID = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792")
CERT_X509_GUID = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
VAR_HEADER = struct.Struct("<HBBIQ16sIII16s")  # 60 bytes
VAR_ADDED = 0x3F
VAR_ADDED_IN_DELETE = 0x3E  # VAR_ADDED & VAR_IN_DELETED_TRANSITION


def fail(msg):
    sys.exit("ovmf-vars-add: " + msg)


def align4(n):
    return (n + 3) & ~3


def x509_siglist(der, owner):
    entry = owner.bytes_le + der
    return CERT_X509_GUID.bytes_le + struct.pack("<III", 28 + len(entry), 0, len(entry)) + entry


def main(argv):
    if len(argv) not in (6, 8) or (len(argv) == 8 and argv[6] != "--x509-siglist"):
        fail("usage: VARS.fd NAME VENDOR_GUID ATTRIBUTES DATA_FILE [--x509-siglist OWNER_GUID]")
    path, name, vendor, attrs = argv[1], argv[2], uuid.UUID(argv[3]), int(argv[4], 0)
    with open(argv[5], "rb") as f:
        data = f.read()
    if len(argv) == 8:
        data = x509_siglist(data, uuid.UUID(argv[7]))
    with open(path, "rb") as f:
        fv = bytearray(f.read())

    if len(fv) < 64 or fv[40:44] != b"_FVH":
        fail(f"{path}: no firmware volume header (_FVH at offset 40)")
    hdr_len = struct.unpack_from("<H", fv, 48)[0]
    if hdr_len < 56 or hdr_len + 28 > len(fv):
        fail(f"{path}: HeaderLength {hdr_len} outside the file ({len(fv)} bytes)")
    store_guid = uuid.UUID(bytes_le=bytes(fv[hdr_len:hdr_len + 16]))
    store_size, store_format, store_state = struct.unpack_from("<IBB", fv, hdr_len + 16)
    if store_guid != AUTH_VAR_STORE_GUID or store_format != 0x5A or store_state != 0xFE:
        fail(f"{path}: variable store header {store_guid} format {store_format:#x} "
             f"state {store_state:#x}: not an authenticated, healthy store")
    store_end = hdr_len + store_size
    if store_end > len(fv):
        fail(f"{path}: variable store size {store_size:#x} beyond the file")

    wanted = (name + "\0").encode("utf-16le")
    at = align4(hdr_len + 28)
    while at + VAR_HEADER.size <= store_end:
        (start_id, state, _, _, _, _, _, name_size, data_size, guid) = VAR_HEADER.unpack_from(fv, at)
        if start_id != 0x55AA:
            break
        end = at + VAR_HEADER.size + name_size + data_size
        if end > store_end:
            fail(f"{path}: variable at {at:#x}: NameSize {name_size} + DataSize {data_size} "
                 f"beyond the store's end {store_end:#x}")
        var_name = bytes(fv[at + VAR_HEADER.size:at + VAR_HEADER.size + name_size])
        if state in (VAR_ADDED, VAR_ADDED_IN_DELETE) and var_name == wanted and \
                uuid.UUID(bytes_le=bytes(guid)) == vendor:
            fail(f"{path}: {name} ({vendor}) is already there, at {at:#x}")
        at = align4(end)

    new = VAR_HEADER.pack(0x55AA, VAR_ADDED, 0, attrs, 0, bytes(16), 0, len(wanted), len(data),
                          vendor.bytes_le) + wanted + data
    if at + len(new) > store_end:
        fail(f"{path}: no room: {len(new)} bytes wanted at {at:#x}, the store ends at {store_end:#x}")
    if any(b != 0xFF for b in fv[at:at + len(new)]):
        fail(f"{path}: the space at {at:#x} is not erased (0xFF)")
    fv[at:at + len(new)] = new
    with open(path, "wb") as f:
        f.write(fv)
    print(f"ovmf-vars-add: {name} ({vendor}, attributes {attrs:#x}, {len(data)} bytes) at {at:#x}")


if __name__ == "__main__":
    main(sys.argv)
