/* A thread that outlives the launcher's one-second wait for a task's end: it writes after 1.5 s. */
#include <pthread.h>
#include <unistd.h>
static void *w(void *x) { usleep(1500000); write(1, "late\n", 5); return 0; }
int main(void) { pthread_t t; pthread_create(&t, 0, w, 0); pthread_join(t, 0); return 0; }
