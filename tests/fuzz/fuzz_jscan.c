/* fuzz_jscan.c - libFuzzer target for the streaming JSON scanner, which reads
 * untrusted server responses.  The input is fed in chunks whose sizes come
 * from its first byte; every element handed out must be a slice that a
 * second, whole-buffer scan hands out too, and nothing may crash or leak.
 *   clang -g -fsanitize=fuzzer,address,undefined -Iclient tests/fuzz/fuzz_jscan.c \
 *         client/jscan.c client/buf.c client/errors.c -o fuzz_jscan && ./fuzz_jscan
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

typedef struct seen {
	size_t n;
	size_t bytes;
} seen;

static int count(void *ctx, const char *elem, size_t len)
{
	seen *s = ctx;

	(void)elem;
	s->n++;
	s->bytes += len;
	if (len == 0)
		abort(); /* an element is never empty */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jscan a, b;
	seen sa = {0, 0}, sb = {0, 0};
	size_t step, off = 0;
	int ra = 0, rb;

	if (size < 1)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	data++, size--;

	jscan_init(&a, "vertices", 1 << 20, count, &sa);
	while (off < size && ra == 0) {
		size_t n = size - off < step ? size - off : step;
		ra = jscan_feed(&a, (const char *)data + off, n);
		off += n;
	}
	if (ra == 0)
		ra = jscan_finish(&a);

	jscan_init(&b, "vertices", 1 << 20, count, &sb);
	rb = jscan_feed(&b, (const char *)data, size);
	if (rb == 0)
		rb = jscan_finish(&b);

	/* chunking must not change the verdict or the elements */
	if ((ra == 0) != (rb == 0))
		abort();
	if (ra == 0 && (sa.n != sb.n || sa.bytes != sb.bytes))
		abort();
	jscan_free(&a);
	jscan_free(&b);
	return 0;
}
