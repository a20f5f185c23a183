/*
 * coordinator/main.c - the bengal-farm process.
 */
#include "coordinator/cli.h"

int main(int argc, char **argv)
{
    return bf_cli_main(argc, argv);
}
