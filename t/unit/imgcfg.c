/* Unit tests for lib/imgcfg: Dockerfile-style --change lines applied to an
 * image config's "config" object. */
#include "imgcfg.h"
#include "err.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* Apply the lines to a fresh config (or start) and compare its JSON. */
static void apply(const char *start, const char *const *lines, const char *want)
{
	json_t *cfg = start ? json_loads(start, 0, NULL) : json_object();
	struct ct_err e = { 0 };
	char *got = NULL;
	int rc = 0;

	for (size_t i = 0; lines[i] && rc == 0; i++)
		rc = ct_imgcfg_change(cfg, lines[i], &e);
	if (rc == 0)
		got = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(rc == 0 ? got : e.msg, want, "%s", lines[0]);
	free(got);
	json_decref(cfg);
}

static void bad(const char *line, const char *want_substr)
{
	json_t *cfg = json_object();
	struct ct_err e = { 0 };
	int rc = ct_imgcfg_change(cfg, line, &e);

	ok(rc < 0 && strstr(e.msg, want_substr), "refused: %s (%s)", line, e.msg);
	json_decref(cfg);
}

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })

int main(void)
{
	apply(NULL, L("CMD [\"httpd\",\"-f\"]"), "{\"Cmd\":[\"httpd\",\"-f\"]}");
	apply(NULL, L("CMD echo hi; sleep 1"), "{\"Cmd\":[\"/bin/sh\",\"-c\",\"echo hi; sleep 1\"]}");
	apply(NULL, L("cmd [\"a\"]"), "{\"Cmd\":[\"a\"]}");
	apply(NULL, L("ENTRYPOINT [\"/init\"]", "CMD [\"x\"]"),
	      "{\"Cmd\":[\"x\"],\"Entrypoint\":[\"/init\"]}");
	apply(NULL, L("ENV A=1 B=\"two words\" C='x y'"),
	      "{\"Env\":[\"A=1\",\"B=two words\",\"C=x y\"]}");
	apply(NULL, L("ENV GREETING hello big world"), "{\"Env\":[\"GREETING=hello big world\"]}");
	apply("{\"Env\":[\"PATH=/bin\",\"X=1\"]}", L("ENV PATH=/usr/bin:/bin"),
	      "{\"Env\":[\"PATH=/usr/bin:/bin\",\"X=1\"]}");
	apply(NULL, L("ENV A=x\\ y"), "{\"Env\":[\"A=x y\"]}");
	apply(NULL, L("LABEL org.example.a=b \"c d\"=e"),
	      "{\"Labels\":{\"c d\":\"e\",\"org.example.a\":\"b\"}}");
	apply(NULL, L("EXPOSE 80 53/udp 443/TCP"),
	      "{\"ExposedPorts\":{\"443/tcp\":{},\"53/udp\":{},\"80/tcp\":{}}}");
	apply(NULL, L("VOLUME /data /logs"), "{\"Volumes\":{\"/data\":{},\"/logs\":{}}}");
	apply(NULL, L("VOLUME [\"/a\"]"), "{\"Volumes\":{\"/a\":{}}}");
	apply(NULL, L("WORKDIR /srv", "WORKDIR www"), "{\"WorkingDir\":\"/srv/www\"}");
	apply(NULL, L("WORKDIR rel"), "{\"WorkingDir\":\"/rel\"}");
	apply(NULL, L("USER 1000:1000"), "{\"User\":\"1000:1000\"}");
	apply(NULL, L("  STOPSIGNAL   SIGKILL  "), "{\"StopSignal\":\"SIGKILL\"}");

	bad("RUN rm -rf /", "unsupported instruction RUN");
	bad("CMD", "CMD needs an argument");
	bad("CMD [\"a\", 1]", "element 2 is not a string");
	bad("CMD [not json", "not a JSON array");
	bad("ENV =x", "is not KEY=VALUE");
	bad("LABEL novalue", "is not KEY=VALUE");
	bad("ENV A=\"open", "unterminated \" quote");
	bad("EXPOSE 99999", "invalid port \"99999\"");
	bad("EXPOSE 80/icmp", "invalid port \"80/icmp\"");
	bad("EXPOSE http", "invalid port");
	bad("WORKDIR /a /b", "exactly one path");
	bad("USER a b", "exactly one value");
	bad("", "no instruction");
	return tap_done();
}
