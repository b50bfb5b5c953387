/* placeholder */
typedef int escale_placeholder_t;
