/*
 * The parent's event loop.
 */
#ifndef SPAWND_PARENT_LOOP_H
#define SPAWND_PARENT_LOOP_H

struct server;

/*
 * Why loop_run() returned: stop; SIGHUP came; a watched file changed
 * (srv_watch.wt_path says which); the side job (srv_sidejob: a
 * reload's check) has ended and waits to be read.
 */
enum loop_exit { LOOP_STOP, LOOP_RELOAD, LOOP_CHANGED, LOOP_SIDEJOB };

/* Run until a signal asks to stop or to reload, or the side job ends. */
enum loop_exit loop_run(struct server *srv);

#endif
