#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("hello");
  for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
  const char *e = getenv("GREETING");
  if (e) printf("GREETING=%s\n", e);
  return argc > 1 && argv[1][0] == 'x' ? 3 : 0;
}
