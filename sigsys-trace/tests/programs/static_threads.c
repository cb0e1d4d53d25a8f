/* A static C program for tests/first_instruction.rs: two threads, heap, a file, output. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

static void *work(void *arg) {
    char *p = malloc(1 << 16);
    memset(p, 1, 1 << 16);
    int fd = open("/etc/hostname", O_RDONLY);
    char buf[64];
    if (fd >= 0) {
        (void)read(fd, buf, sizeof buf);
        close(fd);
    }
    free(p);
    return arg;
}

int main(int argc, char **argv) {
    /* One after the other, so that which thread makes glibc's malloc arena does not
       depend on scheduling. */
    pthread_t t;
    for (int i = 0; i < 2; i++) {
        pthread_create(&t, NULL, work, NULL);
        pthread_join(t, NULL);
    }
    printf("static %s %d\n", argc > 1 ? argv[1] : "-", getpid() > 0);
    return 0;
}
