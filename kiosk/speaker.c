/* speaker: runs the speech command for a text, one at a time (speaker.h). */
#include "speaker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

void speaker_reap(struct speaker *s)
{
	if (s->pid <= 0)
		return;
	pid_t r = waitpid(s->pid, NULL, WNOHANG);
	if (r == s->pid || (r < 0 && errno == ECHILD))
		s->pid = 0;
}

void speaker_stop(struct speaker *s)
{
	if (s->pid <= 0)
		return;
	/* Its own process group: a wrapper script's children stop with it. */
	kill(-s->pid, SIGTERM);
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
}

bool speaker_say(struct speaker *s, const char *const *argv)
{
	speaker_stop(s);
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork for the speech command");
		return false;
	}
	if (pid == 0) {
		/* The kiosk blocks its signals for its signalfd: the reader must not inherit
		 * that, or SIGTERM would not stop it. */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid);
	s->pid = pid;
	s->said++;
	return true;
}
