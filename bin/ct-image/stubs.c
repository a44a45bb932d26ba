#include "image.h"
int img_cmd_save(const struct ct_store *s, int argc, char **argv) { (void)s; (void)argc; (void)argv; ct_die("not yet"); }
int img_cmd_load(const struct ct_store *s, int argc, char **argv) { (void)s; (void)argc; (void)argv; ct_die("not yet"); }
