/*
 * abi_numbers.h: the plugin ABI as numbers, so that two translation units
 * compiled against different headers (ours and CRIU 3.17's, which define
 * the same names) can be compared. Includes no CRIU header.
 */
#ifndef CT_ABI_NUMBERS_H
#define CT_ABI_NUMBERS_H

struct abi_numbers {
	/* cr_plugin_desc_t */
	unsigned long desc_size, off_name, off_init, off_exit, off_version, off_max_hooks, off_hooks, hook_slot;
	unsigned long size_name, size_init, size_exit, size_version, size_max_hooks;
	long hook_max;
	/* CR_PLUGIN_HOOK__DUMP_UNIX_SK .. CR_PLUGIN_HOOK__RESUME_DEVICES_LATE */
	long hooks[10];
	/* CR_PLUGIN_STAGE__DUMP, __PRE_DUMP, __RESTORE, CR_PLUGIN_STAGE_MAX */
	long stages[4];
	/* CRIU_PLUGIN_VERSION, CRIU_PLUGIN_VERSION_OLD, CRIU_PLUGIN_GEN_VERSION(1, 2, 3),
	 * _MAJOR, _MINOR, _SUBLEVEL */
	long versions[6];
	/* Signatures of hooks 0..9 that are the same in both (bit i: hook i's
	 * type is the ABI table's, RESTORE_EXT_FILE in the form of that header). */
	unsigned long hook_types_ok;
	/* The legacy hook typedefs of hooks 0..9 (bit i). */
	unsigned long legacy_types_ok;
};

extern const struct abi_numbers abi_ours, abi_317;

#endif
