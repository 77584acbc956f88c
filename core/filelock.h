/* filelock.h: one writer at a time for a file shared by every hubdesk process (PATH.lock). */
#ifndef HD_FILELOCK_H
#define HD_FILELOCK_H

/*
 * Takes the exclusive flock on lock_path (created 0600 when missing, never followed when it is
 * a symbolic link, never deleted: unlinking a lock others may hold would let two writers in).
 * Polls with jitter so that a stuck process costs a clear error after timeout_ms, not a hang.
 * Returns the descriptor holding the lock (release it with filelock_release), or -1 with
 * errno: EWOULDBLOCK when another process held it for the whole timeout, else why the lock
 * file could not be opened or locked (ENOSPC, EACCES, ELOOP, ...).
 */
int filelock_take(const char *lock_path, int timeout_ms);

/* Releases a lock from filelock_take (closes its descriptor); a negative fd is ignored. */
void filelock_release(int fd);

#endif
