/* Unit tests for lib/http: NO_PROXY matching and URL resolution. */
#include "http.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void np(const char *list, const char *host, int port, int want)
{
	is_int(ct_http_no_proxy(list, host, port), want, "NO_PROXY=\"%s\" %s %s:%d", list,
	       want ? "names" : "does not name", host, port);
}

static void resolve(const char *base, const char *ref, const char *want)
{
	char *got = ct_url_resolve(base, ref);

	is_str(got, want, "resolve \"%s\" against %s", ref, base);
	free(got);
}

int main(void)
{
	np("*", "registry.example", 443, 1);
	np("", "registry.example", 443, 0);
	np("registry.example", "registry.example", 443, 1);
	np("registry.example", "a.registry.example", 443, 1);
	np("registry.example", "xregistry.example", 443, 0);
	np(".registry.example", "registry.example", 443, 0);
	np(".registry.example", "a.registry.example", 443, 1);
	np("*.registry.example", "a.registry.example", 443, 1);
	np("*.registry.example", "registry.example", 443, 0);
	np("other.example, registry.example", "registry.example", 5000, 1);
	np("other.example,registry.example:5000", "registry.example", 5000, 1);
	np("registry.example:5000", "registry.example", 443, 0);
	np("REGISTRY.example", "registry.EXAMPLE", 443, 1);
	np("10.0.0.0/8", "10.1.2.3", 443, 1);
	np("10.0.0.0/8", "11.1.2.3", 443, 0);
	np("192.168.1.0/25", "192.168.1.127", 443, 1);
	np("192.168.1.0/25", "192.168.1.128", 443, 0);
	np("10.0.0.0/8", "registry.example", 443, 0);
	np("192.0.2.7", "192.0.2.7", 443, 1);
	np("192.0.2.7", "192.0.2.70", 443, 0);
	np("fd00::/8", "fd12::1", 443, 1);
	np("fd00::/8", "fe80::1", 443, 0);
	np("2001:db8::1", "2001:db8::1", 443, 1);
	np("[2001:db8::1]:5000", "2001:db8::1", 5000, 1);
	np("[2001:db8::1]:5000", "2001:db8::1", 443, 0);

	resolve("https://r.example/v2/x/blobs/uploads/", "/v2/x/blobs/uploads/u1?s=1",
		"https://r.example/v2/x/blobs/uploads/u1?s=1");
	resolve("http://127.0.0.1:5000/v2/", "https://cdn.example/b",
		"https://cdn.example/b");
	return tap_done();
}
