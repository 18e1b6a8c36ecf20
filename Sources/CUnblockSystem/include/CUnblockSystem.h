// System calls Swift cannot import as they are (prctl is variadic).
#ifndef C_UNBLOCK_SYSTEM_H
#define C_UNBLOCK_SYSTEM_H

/// Makes the process non-dumpable (no core file, no ptrace by other users, /proc entries
/// owned by root) and sets its core file size limit to 0. Returns 0, or -1 with errno set.
int unblock_disable_core_dumps(void);

#endif
