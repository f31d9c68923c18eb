/*
 * uexec — execve(2) in user space.
 *
 * The calls below load a program into the calling process and start it the
 * way the kernel's execve would: same mappings, initial stack, auxiliary
 * vector and registers.  On success they do not return.  On failure they
 * return -1 with errno set, and uexec_reason() describes the precise cause
 * ("phdr 3: p_filesz 0x2000 is larger than p_memsz 0x1000").
 */
#ifndef UEXEC_H
#define UEXEC_H

#ifdef __cplusplus
extern "C" {
#endif

#define UEXEC_VERSION "0.1.0"

/* Like execve(2): path is used as given (no PATH search). */
int uexec_execve(const char *path, char *const argv[], char *const envp[]);

/* The precise reason of the last failure, as one line of text (never NULL). */
const char *uexec_reason(void);

#ifdef __cplusplus
}
#endif

#endif
