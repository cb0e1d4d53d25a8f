/*
 * Host side of the VM console (tools/cross/runner.sh): reads qemu's serial output on stdin,
 * splits the framed stream written by init.c back into stdout and stderr, and exits with the
 * test's exit status. What the kernel printed before init's begin mark is kept back and shown
 * on stderr only if no exit mark arrives (or always with SIGSYS_CROSS_VERBOSE=1).
 * Exit 125 if the VM stopped without an exit mark.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DLE 0x10

static char boot[1 << 16];
static size_t boot_len;

static void put(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

int main(void)
{
    int verbose = getenv("SIGSYS_CROSS_VERBOSE") && strcmp(getenv("SIGSYS_CROSS_VERBOSE"), "1") == 0;
    enum { BOOT, BOOT_DLE, RUN, RUN_DLE, CODE } state = BOOT;
    int fd = 1, code = 0, have_code = 0, begun = 0;
    char in[8192], out[8192];
    ssize_t n;
    while ((n = read(0, in, sizeof in)) > 0) {
        size_t o = 0;
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)in[i];
            switch (state) {
            case BOOT:
                if (c == DLE) {
                    state = BOOT_DLE;
                } else {
                    if (boot_len < sizeof boot)
                        boot[boot_len++] = (char)c;
                    if (verbose)
                        put(2, (char *)&c, 1);
                }
                break;
            case BOOT_DLE:
                if (c == 'B')
                    begun = 1;
                state = c == 'B' ? RUN : BOOT;
                break;
            case RUN:
                if (c == DLE)
                    state = RUN_DLE;
                else
                    out[o++] = (char)c;
                break;
            case RUN_DLE:
                state = RUN;
                if (c == 'D') {
                    out[o++] = DLE;
                } else if (c == 'O' || c == 'E' || c == 'X') {
                    put(fd, out, o);
                    o = 0;
                    if (c == 'X')
                        state = CODE;
                    else
                        fd = c == 'O' ? 1 : 2;
                }
                break;
            case CODE:
                if (c >= '0' && c <= '9') {
                    code = code * 10 + (c - '0');
                } else if (c == '\n') {
                    have_code = 1;
                    state = BOOT; /* the kernel's power-off messages follow */
                }
                break;
            }
            if (o == sizeof out) {
                put(fd, out, o);
                o = 0;
            }
        }
        put(fd, out, o);
    }
    if (!have_code && begun) {
        fprintf(stderr, "\nrunner: the VM stopped while the test ran (no exit status)\n");
        return 125;
    }
    if (!have_code) {
        fprintf(stderr, "\nrunner: the VM stopped before the test started; its console:\n");
        size_t from = boot_len > 6000 ? boot_len - 6000 : 0;
        if (!verbose)
            put(2, boot + from, boot_len - from);
        return 125;
    }
    return code;
}
