/*
 * fuzz_config.c — the configuration loader (config_load, ini.c below it)
 * on a configuration file.  The loader takes a path and checks the file's
 * mode, so the input is written to a private file of mode 0600 first.
 */
#include "fuzz.h"

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	const char *dir = fuzz_dir();
	char path[512], err[2048];

	if (dir == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.conf", dir);
	if (fuzz_write_file(path, data, size) != 0)
		abort();
	if (config_load(path, &cfg, err, sizeof(err)) == 0)
		config_free(cfg);
	return 0;
}
