/* main() of a single-tool binary: build/bin/ct-X calls ct_X_main.
 * Compiled once per tool with -DTOOL_MAIN=ct_X_main. */
#include "err.h"

int TOOL_MAIN(int argc, char **argv);

int main(int argc, char **argv)
{
	ct_set_prog(argv[0]);
	return TOOL_MAIN(argc, argv);
}
