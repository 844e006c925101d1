#include "store-int.h"
struct fw_store *fw_store_pg_open(const char *conninfo, GError **error)
{
	g_set_error(error, FW_STORE_ERROR, FW_STORE_ERROR_OPEN, "not yet");
	return NULL;
}
