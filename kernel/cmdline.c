/* Kernel command line words and NAME=VALUE settings (see cmdline.h). */
#include "kernel/cmdline.h"
#include "kernel/string.h"

static char saved[512];

void cmdline_set(const char *cmdline)
{
	strncpy_safe(saved, cmdline, sizeof(saved));
}

const char *cmdline_get(void)
{
	return saved;
}

/* Copies the next space-separated word into buf; returns the rest or NULL. */
static const char *next_word(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	while (*s == ' ')
		s++;
	if (!*s)
		return NULL;
	for (; *s && *s != ' '; s++)
		if (n + 1 < len)
			buf[n++] = *s;
	buf[n] = '\0';
	return s;
}

bool cmdline_has(const char *cmdline, const char *word)
{
	char w[128];

	while ((cmdline = next_word(cmdline, w, sizeof(w))))
		if (strcmp(w, word) == 0)
			return true;
	return false;
}

bool cmdline_value(const char *cmdline, const char *name, char *buf, size_t len)
{
	size_t nlen = strlen(name);
	char w[128];

	while ((cmdline = next_word(cmdline, w, sizeof(w)))) {
		if (strncmp(w, name, nlen) == 0 && w[nlen] == '=') {
			strncpy_safe(buf, w + nlen + 1, len);
			return true;
		}
	}
	return false;
}

void cmdline_foreach_setting(const char *cmdline,
                             void (*fn)(const char *name, const char *value))
{
	char w[128];

	while ((cmdline = next_word(cmdline, w, sizeof(w)))) {
		char *eq = strchr(w, '=');
		if (!eq || eq == w)
			continue;
		*eq = '\0';
		fn(w, eq + 1);
	}
}
