/*
 * PID 1 of the test VM (tools/cross/runner.sh). Built static with the target's cross gcc.
 *
 * Mounts proc, sys, devtmpfs and tmpfs, opens /dev/console, runs /test with the arguments in
 * /args and the environment in /env (both NUL-separated, written by the runner), and forwards
 * the test's stdout and stderr to the console framed so that the host can split them again:
 *
 *   DLE 'B'            begin (everything before it is the kernel's boot output)
 *   DLE 'O' / DLE 'E'  what follows is stdout / stderr
 *   DLE 'D'            a literal DLE byte in the test's output
 *   DLE 'X' <n> '\n'   the test's exit status (128+signal if killed), then power off
 *
 * The console is put in raw output mode so that "\n" is not turned into "\r\n".
 * Orphans are reaped; output written by descendants that outlive /test is forwarded until
 * the pipes close or stay idle for 300 ms after /test exited.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define DLE 0x10

static int con = -1;
static int cur = -1; /* stream currently selected on the console: 'O' or 'E' */

static void con_write(const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(con, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static void forward(int stream, const char *buf, size_t n)
{
    char out[8192 * 2 + 4];
    size_t o = 0;
    if (cur != stream) {
        out[o++] = DLE;
        out[o++] = (char)stream;
        cur = stream;
    }
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == DLE) {
            out[o++] = DLE;
            out[o++] = 'D';
        } else {
            out[o++] = buf[i];
        }
    }
    con_write(out, o);
}

/* Reads a NUL-separated file into a NULL-terminated vector (prefix first, if any). */
static char **read_vec(const char *path, const char *prefix)
{
    static char empty[1];
    char *data = empty;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st;
        if (fstat(fd, &st) == 0 && st.st_size > 0) {
            data = malloc((size_t)st.st_size + 1);
            ssize_t r = read(fd, data, (size_t)st.st_size);
            len = r > 0 ? (size_t)r : 0;
            data[len] = 0;
        }
        close(fd);
    }
    size_t count = prefix ? 1 : 0;
    for (size_t i = 0; i < len; i++)
        if (data[i] == 0)
            count++;
    char **v = calloc(count + 2, sizeof(char *));
    size_t k = 0;
    if (prefix)
        v[k++] = (char *)prefix;
    for (size_t i = 0; i < len;) {
        v[k++] = data + i;
        i += strlen(data + i) + 1;
    }
    v[k] = NULL;
    return v;
}

static void power_off(void)
{
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

int main(void)
{
    mount("proc", "/proc", "proc", 0, NULL);
    mount("sysfs", "/sys", "sysfs", 0, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777");
    mkdir("/dev/shm", 01777);
    mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777");

    con = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (con < 0)
        power_off();
    struct termios t;
    if (tcgetattr(con, &t) == 0) {
        t.c_oflag &= ~(tcflag_t)OPOST;
        t.c_lflag &= ~(tcflag_t)(ECHO | ICANON | ISIG);
        tcsetattr(con, TCSANOW, &t);
    }

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        power_off();

    char **argv = read_vec("/args", "/test");
    char **envp = read_vec("/env", NULL);
    const char begin[] = {DLE, 'B'};
    con_write(begin, sizeof begin);
    cur = -1;

    pid_t child = fork();
    if (child == 0) {
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        chdir("/tmp");
        setsid();
        execve("/test", argv, envp);
        dprintf(2, "init: execve /test: %s\n", strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);

    int status = 0, done = 0;
    struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[8192];
    while (open_fds > 0) {
        int r = poll(fds, 2, done ? 300 : 100);
        if (r < 0 && errno != EINTR)
            break;
        if (r == 0 && done)
            break; /* descendants kept the pipes open but are silent */
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                forward(i == 0 ? 'O' : 'E', buf, (size_t)n);
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
        for (;;) { /* reap: /test and any orphan re-parented to PID 1 */
            int st;
            pid_t p = waitpid(-1, &st, WNOHANG);
            if (p <= 0)
                break;
            if (p == child) {
                status = st;
                done = 1;
            }
        }
    }
    while (!done) {
        int st;
        pid_t p = waitpid(-1, &st, 0);
        if (p < 0)
            break;
        if (p == child) {
            status = st;
            done = 1;
        }
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    char tail[32];
    int n = snprintf(tail, sizeof tail, "%cX%d\n", DLE, code);
    con_write(tail, (size_t)n);
    tcdrain(con);
    power_off();
    return 0;
}
