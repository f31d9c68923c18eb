/*
 * fuzz_shebang: parse_shebang() on a zero-padded 256-byte copy of the input,
 * as bprm_read_buf() leaves a short file.  Besides the sanitizers, checks
 * what load_script() relies on: the name and argument lie inside the buffer,
 * in order, the name is not empty unless a NUL ends it at once, and neither
 * contains a newline.
 */
#include "bprm.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* malloc'd at its exact size, so a read past the 256 bytes is reported */
	char *buf = calloc(1, BINPRM_BUF_SIZE);
	struct shebang sb;
	int r;

	if (!buf)
		abort();
	memcpy(buf, data, size < BINPRM_BUF_SIZE ? size : BINPRM_BUF_SIZE);
	r = parse_shebang(buf, &sb);
	if (r != 0 && r != 1 && r != -ENOEXEC)
		abort();
	if (r == 1 && buf[0] == '#' && buf[1] == '!')
		abort();
	if (r == 0) {
		const char *end = buf + BINPRM_BUF_SIZE;

		if (sb.name < buf + 2 || sb.name > sb.name_end || sb.name_end >= end)
			abort();
		if (sb.name == sb.name_end && *sb.name != 0)
			abort();
		if (memchr(sb.name, '\n', (size_t)(sb.name_end - sb.name)))
			abort();
		if (sb.arg && (sb.arg <= sb.name_end || sb.arg > sb.arg_end || sb.arg_end >= end ||
			       memchr(sb.arg, '\n', (size_t)(sb.arg_end - sb.arg))))
			abort();
	}
	free(buf);
	return 0;
}
