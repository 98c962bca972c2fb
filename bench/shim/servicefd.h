/* Minimal stand-in for CRIU's servicefd.h. */
#ifndef BENCH_SHIM_SERVICEFD_H
#define BENCH_SHIM_SERVICEFD_H

enum sfd_type { SERVICE_FD_MIN, LOG_FD_OFF, IMG_FD_OFF, SERVICE_FD_MAX };

int get_service_fd(enum sfd_type type);

#endif
