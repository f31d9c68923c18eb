/* A shared library whose writable sections are tiny and page-aligned
 * (tests/plan/plan.mk): packed one segment per permission set they still
 * take a page each, so uexec --plan's merge saving must honour
 * sh_addralign (tests/80-plan.t). */
__attribute__((section("plan_rw_a"), aligned(4096))) int rw_a[4] = {1};
__attribute__((section("plan_rw_b"), aligned(4096))) int rw_b[4] = {2};
__attribute__((section("plan_rw_c"), aligned(4096))) int rw_c[4] = {3};
__attribute__((section("plan_ro_a"), aligned(4096))) const int ro_a[4] = {4};
__attribute__((section("plan_ro_b"), aligned(4096))) const int ro_b[4] = {5};

int plan_sum(void)
{
	return rw_a[0] + rw_b[0] + rw_c[0] + ro_a[0] + ro_b[0];
}
