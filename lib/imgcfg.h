/* imgcfg: Dockerfile-style changes to an image config, as `docker import
 * --change` applies them (and as a commit or a build may):
 *
 *     CMD ["httpd","-f"]        CMD httpd -f          (shell form: sh -c)
 *     ENTRYPOINT ["/init"]      ENTRYPOINT /init
 *     ENV K=V K2="v 2"          ENV K some value      (legacy one-pair form)
 *     LABEL a=b "c d"=e
 *     EXPOSE 80 53/udp          → ExposedPorts {"80/tcp":{}, "53/udp":{}}
 *     VOLUME /data              VOLUME ["/a","/b"]
 *     WORKDIR /srv              (relative paths join the current one)
 *     USER 1000:1000            STOPSIGNAL SIGTERM
 *
 * Words may be quoted with "…" or '…'; a backslash escapes the next
 * character outside single quotes. Instruction names are case-insensitive.
 */
#ifndef CT_IMGCFG_H
#define CT_IMGCFG_H

#include <jansson.h>

struct ct_err;

/* Apply one instruction to cfg, the "config" object of an image config
 * (Env, Cmd, Entrypoint, …). Errors quote the line and say what is wrong. */
int ct_imgcfg_change(json_t *cfg, const char *line, struct ct_err *e);

#endif
