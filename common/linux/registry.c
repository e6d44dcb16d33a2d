/* Linux side of registry.h: there is no live registry; .reg files are read and replaced
 * atomically (mkstemp beside the file, fsync, rename, fsync of the directory). */
#include "registry.h"
#include "strutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

static int nolive(char *err, size_t errlen)
{
	hvt_seterr(err, errlen,
		   "no live Windows registry on this system: use --file FILE.reg to work on a .reg "
		   "file, or --print powershell|cmd|reg to print what to run on the Hyper-V host");
	return HVT_STORE_NOLIVE;
}

int hvt_live_open(int flags, char *err, size_t errlen)
{
	(void)flags;
	return nolive(err, errlen);
}

int hvt_live_list(struct hvt_service **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	return nolive(err, errlen);
}

int hvt_live_put(const char *key, const char *name, const char *tool, int flags, char *err,
		 size_t errlen)
{
	(void)key;
	(void)name;
	(void)tool;
	(void)flags;
	return nolive(err, errlen);
}

int hvt_live_is_guest(void)
{
	return 0;
}

/* ---- locks: flock(2) on PATH.lock ---- */

struct hvt_lock {
	int fd;
	char *path; /* the lock file */
};

int hvt_lock_take(const char *path, uint64_t wait_ms, struct hvt_lock **out, char *err,
		  size_t errlen)
{
	*out = NULL;
	if (!path)
		return nolive(err, errlen);
	/* Two names of one file share one lock: the lock file sits beside the link's target. */
	char *real = NULL;
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		real = realpath(path, NULL);
	const char *base = real ? real : path;
	struct hvt_lock *l = calloc(1, sizeof *l);
	if (l)
		l->path = malloc(strlen(base) + sizeof ".lock");
	if (!l || !l->path) {
		free(l);
		free(real);
		hvt_seterr(err, errlen, "out of memory");
		return HVT_STORE_ERROR;
	}
	sprintf(l->path, "%s.lock", base);
	free(real);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		/* read-only: flock needs no write access, so a lock file another user made works;
		 * non-blocking: a FIFO in its place must not hang us past -w */
		l->fd = open(l->path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0666);
		if (l->fd < 0) {
			int e = errno;
			hvt_seterr(err, errlen, "cannot create the lock file %s: %s", l->path,
				   hvt_strerror(e));
			break;
		}
		if (flock(l->fd, LOCK_EX | LOCK_NB) == 0) {
			/* The holder before us may have removed the file we locked: then ours is
			 * no lock, start again. */
			struct stat a, b;
			if (fstat(l->fd, &a) == 0 && stat(l->path, &b) == 0 &&
			    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
				*out = l;
				return HVT_STORE_OK;
			}
			close(l->fd);
			continue;
		}
		int e = errno;
		close(l->fd);
		if (e != EWOULDBLOCK && e != EINTR) {
			hvt_seterr(err, errlen, "cannot lock %s: %s", l->path, hvt_strerror(e));
			break;
		}
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		uint64_t ms = (uint64_t)(now.tv_sec - t0.tv_sec) * 1000u +
			      (uint64_t)((now.tv_nsec - t0.tv_nsec) / 1000000);
		if (ms >= wait_ms) {
			hvt_seterr(
				err, errlen,
				"%s: another process is changing it (it holds %s): gave up after "
				"%.1f s",
				path, l->path, (double)wait_ms / 1000.0);
			free(l->path);
			free(l);
			return HVT_STORE_BUSY;
		}
		struct timespec d = { 0, 5000000 }; /* 5 ms */
		nanosleep(&d, NULL);
	}
	free(l->path);
	free(l);
	return HVT_STORE_ERROR;
}

void hvt_lock_drop(struct hvt_lock *l)
{
	if (!l)
		return;
	/* Removed while still held, so that a waiter that opened it sees it is gone. */
	unlink(l->path);
	close(l->fd);
	free(l->path);
	free(l);
}

int hvt_live_delete(const char *key, char *err, size_t errlen)
{
	(void)key;
	return nolive(err, errlen);
}

/* A symbolic link whose target does not exist: named as such, not as a missing file (which
 * add would create). HVT_STORE_ERROR, or HVT_STORE_NOTFOUND when path is no dangling link. */
static int dangling(const char *path, char *err, size_t errlen)
{
	char to[PATH_MAX];
	struct stat lst;
	ssize_t n;
	if (lstat(path, &lst) < 0 || !S_ISLNK(lst.st_mode) ||
	    (n = readlink(path, to, sizeof to - 1)) < 0)
		return HVT_STORE_NOTFOUND;
	to[n] = '\0';
	hvt_seterr(err, errlen, "%s: dangling symbolic link (to %s, which does not exist)", path,
		   to);
	return HVT_STORE_ERROR;
}

int hvt_file_read_all(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO without a writer must not block the open (it is refused below). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		hvt_seterr(err, errlen, "%s: %s", path, hvt_strerror(e));
		return e == ENOENT ? dangling(path, err, errlen) : HVT_STORE_ERROR;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			hvt_seterr(err, errlen, "%s: %s", path, hvt_strerror(EISDIR));
		else
			hvt_seterr(err, errlen, "%s: not a regular file", path);
		return HVT_STORE_ERROR;
	}
	struct hvt_buf b = { 0 };
	char chunk[65536];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof chunk)) != 0) {
		if (r > 0)
			hvt_buf_add(&b, chunk, (size_t)r);
		else if (errno != EINTR)
			break;
	}
	int e = errno;
	close(fd);
	*len = b.len;
	*data = hvt_buf_take(&b);
	if (r < 0 || !*data) {
		free(*data);
		*data = NULL;
		*len = 0;
		hvt_seterr(err, errlen, "read %s: %s", path, hvt_strerror(r < 0 ? e : ENOMEM));
		return HVT_STORE_ERROR;
	}
	return HVT_STORE_OK;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int hvt_file_replace(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	/* A symlink is followed: the file it points to is replaced, the link stays. */
	const char *name = path;
	char *target = NULL;
	struct stat lst;
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		target = realpath(path, NULL);
		if (!target) {
			int e = errno;
			hvt_seterr(err, errlen, "%s: %s", path, hvt_strerror(e));
			if (e == ENOENT)
				dangling(path, err, errlen);
			return HVT_STORE_ERROR;
		}
		path = target;
	}

	struct stat st;
	int exists = stat(path, &st) == 0;
	if (exists && !S_ISREG(st.st_mode)) {
		hvt_seterr(err, errlen, "%s: not a regular file", name);
		free(target);
		return HVT_STORE_ERROR;
	}
	/* The rename would replace a file that may not be written (mode 444, even for root; or
	 * not ours to write): refused, as an editor would. */
	if (exists && (!(st.st_mode & 0222) || (access(path, W_OK) < 0 && errno == EACCES))) {
		hvt_seterr(err, errlen, "%s: read-only file (mode %03o; not replaced)", name,
			   (unsigned)(st.st_mode & 07777));
		free(target);
		return HVT_STORE_ERROR;
	}
	mode_t mode;
	if (exists) {
		mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0666 & ~um;
	}

	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof ".XXXXXX");
	if (!tmp) {
		hvt_seterr(err, errlen, "out of memory");
		free(target);
		return HVT_STORE_ERROR;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof ".XXXXXX");
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		hvt_seterr(err, errlen, "cannot create a temporary file beside %s: %s", path,
			   hvt_strerror(e));
		free(tmp);
		free(target);
		return HVT_STORE_ERROR;
	}
	const char *what = "write";
	int e = write_all(fd, data, len);
	if (!e && fchmod(fd, mode) < 0 && (what = "chmod"))
		e = errno;
	if (!e && exists && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0 &&
	    (what = "chown"))
		e = errno;
	if (!e && fsync(fd) < 0 && (what = "fsync"))
		e = errno;
	if (close(fd) < 0 && !e && (what = "close"))
		e = errno;
	if (!e && rename(tmp, path) < 0 && (what = "rename"))
		e = errno;
	if (e) {
		hvt_seterr(err, errlen, "%s %s: %s (%s left unchanged)", what, tmp, hvt_strerror(e),
			   path);
		unlink(tmp);
		free(tmp);
		free(target);
		return HVT_STORE_ERROR;
	}
	/* Make the rename durable too. */
	char *slash = strrchr(tmp, '/');
	const char *dir = ".";
	if (slash) {
		*slash = '\0';
		dir = slash == tmp ? "/" : tmp;
	}
	int dfd = open(dir, O_RDONLY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(target);
	return HVT_STORE_OK;
}
