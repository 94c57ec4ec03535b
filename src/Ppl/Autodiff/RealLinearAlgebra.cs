namespace Ppl.Autodiff;

/// <summary>
/// Dense linear algebra over <see cref="Real"/> with reverse-mode adjoint rules: each operation is recorded as one
/// <see cref="TapeOperation"/> (a block of output nodes and one rule run once in the backward sweep), not as a loop of
/// scalar nodes. Cholesky: Murray (2016), "Differentiation of the Cholesky decomposition"; solves and products: Giles
/// (2008), "An extended collection of matrix derivative results".
/// <para>
/// Matrices are plain <c>Real[,]</c> (row, column). A dedicated matrix type would save one pass that gathers the
/// entries' tape positions, but that pass is O(n²) against the O(n³) of a factorisation, while <c>Real[,]</c> is what
/// model code and the generator already build and index, needs no conversions, and lets constant entries (index 0 on
/// the tape) mix with variables. Triangular arguments read only their triangle (as LAPACK's <c>uplo</c>): a
/// factor's other half is never touched and gets no adjoint. Outside the domain (a matrix that is not positive
/// definite, a NaN entry) results are NaN constants, never an exception, so a sampler rejects the step.
/// </para>
/// </summary>
public static class RealLinearAlgebra
{
    /// <summary>
    /// The lower-triangular Cholesky factor L of a symmetric positive-definite matrix (A = L Lᵀ). Only the lower
    /// triangle of <paramref name="a"/> is read, so the adjoint of an off-diagonal pair goes to its lower entry; the
    /// strict upper triangle of the result is constant 0. A matrix that is not positive definite gives NaN entries.
    /// </summary>
    public static Real[,] Cholesky(Real[,] a)
    {
        var n = Square(a, nameof(a));
        var l = new double[n * n];
        var idx = new int[n * n];
        var anyVariable = false;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                l[i * n + j] = a[i, j].Value;
                idx[i * n + j] = a[i, j].Index;
                anyVariable |= a[i, j].Index != 0;
            }
        var result = new Real[n, n];
        if (!CholeskyInPlace(l, n))
        {
            for (var i = 0; i < n; i++)
                for (var j = 0; j <= i; j++) result[i, j] = double.NaN;
            return result;
        }
        if (!anyVariable)
        {
            for (var i = 0; i < n; i++)
                for (var j = 0; j <= i; j++) result[i, j] = l[i * n + j];
            return result;
        }
        var first = Tape.Current.PushOperation(new CholeskyOperation(n, l, idx), n * (n + 1) / 2);
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) result[i, j] = new Real(l[i * n + j], first + i * (i + 1) / 2 + j);
        return result;
    }

    /// <summary>The Cholesky factor of a constant matrix (as doubles, lower triangle read), or null when it is not positive definite.</summary>
    public static double[,]? Cholesky(double[,] a)
    {
        var n = Square(a, nameof(a));
        var l = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) l[i * n + j] = a[i, j];
        if (!CholeskyInPlace(l, n)) return null;
        var result = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) result[i, j] = l[i * n + j];
        return result;
    }

    /// <summary>x = L⁻¹ b for lower-triangular <paramref name="l"/> (forward substitution; the upper triangle is not read).</summary>
    public static Real[] ForwardSolve(Real[,] l, ReadOnlySpan<Real> b) => Solve(l, b, lower: true, nameof(ForwardSolve));

    /// <summary>x = L⁻¹ b for lower-triangular <paramref name="l"/> and constant <paramref name="b"/>.</summary>
    public static Real[] ForwardSolve(Real[,] l, ReadOnlySpan<double> b) => Solve(l, Constants(b), lower: true, nameof(ForwardSolve));

    /// <summary>x = U⁻¹ b for upper-triangular <paramref name="u"/> (back substitution; the lower triangle is not read).</summary>
    public static Real[] BackSolve(Real[,] u, ReadOnlySpan<Real> b) => Solve(u, b, lower: false, nameof(BackSolve));

    /// <summary>x = U⁻¹ b for upper-triangular <paramref name="u"/> and constant <paramref name="b"/>.</summary>
    public static Real[] BackSolve(Real[,] u, ReadOnlySpan<double> b) => Solve(u, Constants(b), lower: false, nameof(BackSolve));

    /// <summary>The transpose (no tape nodes: the entries are the same values). With it, Lᵀ x = b is <c>BackSolve(Transpose(L), b)</c>.</summary>
    public static Real[,] Transpose(Real[,] a)
    {
        var (r, c) = (a.GetLength(0), a.GetLength(1));
        var t = new Real[c, r];
        for (var i = 0; i < r; i++)
            for (var j = 0; j < c; j++) t[j, i] = a[i, j];
        return t;
    }

    /// <summary>
    /// log det(L Lᵀ) = 2 Σᵢ log Lᵢᵢ from a Cholesky factor (only the diagonal is read), as one node; NaN when a
    /// diagonal entry is not positive.
    /// </summary>
    public static Real LogDeterminantFromCholesky(Real[,] l)
    {
        var n = Square(l, nameof(l));
        Span<Real> parents = n <= 128 ? stackalloc Real[n] : new Real[n];
        Span<double> partials = n <= 128 ? stackalloc double[n] : new double[n];
        double value = 0;
        for (var i = 0; i < n; i++)
        {
            var d = l[i, i].Value;
            value += d > 0 ? 2 * Math.Log(d) : double.NaN;
            parents[i] = l[i, i];
            partials[i] = 2 / d;
        }
        return Real.FromPartials(value, parents, partials);
    }

    /// <summary>The matrix–vector product A x.</summary>
    public static Real[] Multiply(Real[,] a, ReadOnlySpan<Real> x)
    {
        var (m, n) = (a.GetLength(0), a.GetLength(1));
        if (x.Length != n) throw new ArgumentException($"Multiply: a {m}×{n} matrix needs a vector of {n}; got {x.Length}.", nameof(x));
        var av = new double[m * n];
        var ai = new int[m * n];
        var any = false;
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                av[i * n + j] = a[i, j].Value;
                ai[i * n + j] = a[i, j].Index;
                any |= a[i, j].Index != 0;
            }
        return MultiplyCore(m, n, av, any ? ai : null, x);
    }

    /// <summary>The matrix–vector product A x with a constant matrix (a design matrix times coefficients).</summary>
    public static Real[] Multiply(double[,] a, ReadOnlySpan<Real> x)
    {
        var (m, n) = (a.GetLength(0), a.GetLength(1));
        if (x.Length != n) throw new ArgumentException($"Multiply: a {m}×{n} matrix needs a vector of {n}; got {x.Length}.", nameof(x));
        var av = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++) av[i * n + j] = a[i, j];
        return MultiplyCore(m, n, av, null, x);
    }

    /// <summary>The matrix–vector product A x with a constant vector.</summary>
    public static Real[] Multiply(Real[,] a, ReadOnlySpan<double> x) => Multiply(a, Constants(x));

    /// <summary>
    /// The quadratic form xᵀ Σ⁻¹ x with Σ = L Lᵀ given by its Cholesky factor <paramref name="l"/> (lower triangle
    /// read), as ‖L⁻¹ x‖², recorded as one operation.
    /// </summary>
    public static Real InverseQuadraticForm(Real[,] l, ReadOnlySpan<Real> x)
    {
        var n = Square(l, nameof(l));
        if (x.Length != n) throw new ArgumentException($"InverseQuadraticForm: a {n}×{n} factor needs a vector of {n}; got {x.Length}.", nameof(x));
        var (lv, li, any) = Lower(l, n);
        var xv = new double[n];
        var xi = new int[n];
        for (var i = 0; i < n; i++)
        {
            xv[i] = x[i].Value;
            xi[i] = x[i].Index;
            any |= xi[i] != 0;
        }
        var z = (double[])xv.Clone();
        SolveLowerInPlace(lv, n, z);
        double q = 0;
        foreach (var v in z) q += v * v;
        if (!any) return q;
        return new Real(q, Tape.Current.PushOperation(new InverseQuadraticFormOperation(n, lv, li, xi, z), 1));
    }

    /// <summary>xᵀ Σ⁻¹ x for a constant vector.</summary>
    public static Real InverseQuadraticForm(Real[,] l, ReadOnlySpan<double> x) => InverseQuadraticForm(l, Constants(x));

    // ---- Shared kernels.

    internal static Real[] Constants(ReadOnlySpan<double> b)
    {
        var r = new Real[b.Length];
        for (var i = 0; i < b.Length; i++) r[i] = b[i];
        return r;
    }

    internal static int Square<T>(T[,] a, string name)
    {
        var n = a.GetLength(0);
        if (a.GetLength(1) != n) throw new ArgumentException($"Expected a square matrix; got {n}×{a.GetLength(1)}.", name);
        return n;
    }

    /// <summary>The lower triangle's values and tape positions (row-major n×n, upper half 0) and whether any is a variable.</summary>
    internal static (double[] Values, int[] Indices, bool Any) Lower(Real[,] l, int n)
    {
        var v = new double[n * n];
        var ix = new int[n * n];
        var any = false;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                v[i * n + j] = l[i, j].Value;
                ix[i * n + j] = l[i, j].Index;
                any |= ix[i * n + j] != 0;
            }
        return (v, ix, any);
    }

    /// <summary>Overwrites the lower triangle of row-major <paramref name="a"/> with its Cholesky factor; false when not positive definite.</summary>
    internal static bool CholeskyInPlace(double[] a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var rj = j * n;
            var rowJ = a.AsSpan(rj, j);
            var d = a[rj + j] - RealDensity.Dot(rowJ, rowJ);
            if (!(d > 0)) return false;
            var djj = Math.Sqrt(d);
            a[rj + j] = djj;
            var inv = 1 / djj;
            for (var i = j + 1; i < n; i++)
            {
                var ri = i * n;
                a[ri + j] = (a[ri + j] - RealDensity.Dot(a.AsSpan(ri, j), rowJ)) * inv;
            }
        }
        return true;
    }

    /// <summary>b ← L⁻¹ b for the lower triangle of row-major <paramref name="l"/>.</summary>
    internal static void SolveLowerInPlace(double[] l, int n, Span<double> b)
    {
        for (var i = 0; i < n; i++) b[i] = (b[i] - RealDensity.Dot(l.AsSpan(i * n, i), b[..i])) / l[i * n + i];
    }

    /// <summary>b ← L⁻ᵀ b for the lower triangle of row-major <paramref name="l"/>.</summary>
    internal static void SolveLowerTransposedInPlace(double[] l, int n, Span<double> b)
    {
        // Column sweep over Lᵀ: row i of L is contiguous.
        for (var i = n - 1; i >= 0; i--)
        {
            var x = b[i] / l[i * n + i];
            b[i] = x;
            RealDensity.Axpy(-x, l.AsSpan(i * n, i), b[..i]);
        }
    }

    /// <summary>b ← U⁻¹ b for the upper triangle of row-major <paramref name="u"/>.</summary>
    private static void SolveUpperInPlace(double[] u, int n, Span<double> b)
    {
        for (var i = n - 1; i >= 0; i--)
        {
            var s = b[i];
            var ri = i * n;
            for (var k = i + 1; k < n; k++) s -= u[ri + k] * b[k];
            b[i] = s / u[ri + i];
        }
    }

    /// <summary>b ← U⁻ᵀ b for the upper triangle of row-major <paramref name="u"/>.</summary>
    private static void SolveUpperTransposedInPlace(double[] u, int n, Span<double> b)
    {
        for (var i = 0; i < n; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++) s -= u[k * n + i] * b[k];
            b[i] = s / u[i * n + i];
        }
    }

    private static Real[] Solve(Real[,] t, ReadOnlySpan<Real> b, bool lower, string name)
    {
        var n = Square(t, nameof(t));
        if (b.Length != n) throw new ArgumentException($"{name}: a {n}×{n} matrix needs a vector of {n}; got {b.Length}.", nameof(b));
        var tv = new double[n * n];
        var ti = new int[n * n];
        var any = false;
        for (var i = 0; i < n; i++)
            for (var j = lower ? 0 : i; j < (lower ? i + 1 : n); j++)
            {
                tv[i * n + j] = t[i, j].Value;
                ti[i * n + j] = t[i, j].Index;
                any |= ti[i * n + j] != 0;
            }
        var x = new double[n];
        var bi = new int[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = b[i].Value;
            bi[i] = b[i].Index;
            any |= bi[i] != 0;
        }
        if (lower) SolveLowerInPlace(tv, n, x);
        else SolveUpperInPlace(tv, n, x);
        var result = new Real[n];
        if (!any)
        {
            for (var i = 0; i < n; i++) result[i] = x[i];
            return result;
        }
        var first = Tape.Current.PushOperation(new SolveOperation(n, lower, tv, ti, bi, x), n);
        for (var i = 0; i < n; i++) result[i] = new Real(x[i], first + i);
        return result;
    }

    private static Real[] MultiplyCore(int m, int n, double[] av, int[]? ai, ReadOnlySpan<Real> x)
    {
        var xv = new double[n];
        var xi = new int[n];
        var any = ai is not null;
        for (var j = 0; j < n; j++)
        {
            xv[j] = x[j].Value;
            xi[j] = x[j].Index;
            any |= xi[j] != 0;
        }
        var result = new Real[m];
        var y = new double[m];
        for (var i = 0; i < m; i++)
        {
            double s = 0;
            var ri = i * n;
            for (var j = 0; j < n; j++) s += av[ri + j] * xv[j];
            y[i] = s;
        }
        if (!any)
        {
            for (var i = 0; i < m; i++) result[i] = y[i];
            return result;
        }
        var first = Tape.Current.PushOperation(new MultiplyOperation(m, n, av, ai, xv, xi), m);
        for (var i = 0; i < m; i++) result[i] = new Real(y[i], first + i);
        return result;
    }

    // ---- Adjoint rules.

    /// <summary>
    /// Murray (2016), the reverse of the unblocked (level-2) algorithm, in place on a copy of L̄ in O(n³/3): the
    /// forward step j computes Lⱼⱼ = √(Aⱼⱼ − r·r) with r = Lⱼ,₀..ⱼ₋₁ and the column below, c = (A₍ⱼ₊₁..₎ⱼ − B r)/Lⱼⱼ with
    /// B = L₍ⱼ₊₁..₎,₀..ⱼ₋₁; undoing the steps from the last gives the adjoint of the lower triangle of A (each
    /// off-diagonal entry read once, so an off-diagonal pair's adjoint lands on its lower entry).
    /// </summary>
    private sealed class CholeskyOperation(int n, double[] l, int[] inputs) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            var g = new double[n * n];
            var any = false;
            for (var i = 0; i < n; i++)
                for (var j = 0; j <= i; j++)
                {
                    var a = adjoints[first + i * (i + 1) / 2 + j];
                    g[i * n + j] = a;
                    any |= a != 0;
                }
            if (!any) return;
            var gs = g.AsSpan();
            var ls = l.AsSpan();
            for (var j = n - 1; j >= 0; j--)
            {
                var rj = j * n;
                var d = l[rj + j];
                // d̄ ← (d̄ − c·c̄/d)/d, c̄ ← c̄/d.
                var dbar = g[rj + j];
                for (var i = j + 1; i < n; i++) dbar -= l[i * n + j] * g[i * n + j] / d;
                dbar /= d;
                for (var i = j + 1; i < n; i++) g[i * n + j] /= d;
                // r̄ −= d̄ r + Bᵀ c̄; B̄ −= c̄ rᵀ (rows of B and B̄ are contiguous).
                var r = ls.Slice(rj, j);
                var rbar = gs.Slice(rj, j);
                RealDensity.Axpy(-dbar, r, rbar);
                for (var i = j + 1; i < n; i++)
                {
                    var ci = g[i * n + j];
                    if (ci == 0) continue;
                    RealDensity.Axpy(-ci, ls.Slice(i * n, j), rbar);
                    RealDensity.Axpy(-ci, r, gs.Slice(i * n, j));
                }
                g[rj + j] = 0.5 * dbar;
            }
            for (var i = 0; i < n; i++)
                for (var j = 0; j <= i; j++) adjoints[inputs[i * n + j]] += g[i * n + j];
        }
    }

    /// <summary>x = T⁻¹ b: b̄ = T⁻ᵀ x̄ and T̄ = −b̄ xᵀ on T's triangle (Giles 2008).</summary>
    private sealed class SolveOperation(int n, bool lower, double[] t, int[] tIndices, int[] bIndices, double[] x) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            var bbar = new double[n];
            for (var i = 0; i < n; i++) bbar[i] = adjoints[first + i];
            if (lower) SolveLowerTransposedInPlace(t, n, bbar);
            else SolveUpperTransposedInPlace(t, n, bbar);
            for (var i = 0; i < n; i++)
            {
                var g = bbar[i];
                adjoints[bIndices[i]] += g;
                var ri = i * n;
                if (lower)
                    for (var j = 0; j <= i; j++) adjoints[tIndices[ri + j]] -= g * x[j];
                else
                    for (var j = i; j < n; j++) adjoints[tIndices[ri + j]] -= g * x[j];
            }
        }
    }

    /// <summary>y = A x: x̄ = Aᵀ ȳ, Ā = ȳ xᵀ.</summary>
    private sealed class MultiplyOperation(int m, int n, double[] a, int[]? aIndices, double[] x, int[] xIndices) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            for (var i = 0; i < m; i++)
            {
                var g = adjoints[first + i];
                if (g == 0) continue;
                var ri = i * n;
                for (var j = 0; j < n; j++) adjoints[xIndices[j]] += a[ri + j] * g;
                if (aIndices is not null)
                    for (var j = 0; j < n; j++) adjoints[aIndices[ri + j]] += g * x[j];
            }
        }
    }

    /// <summary>q = ‖z‖², z = L⁻¹ x: with a = L⁻ᵀ z, x̄ = 2 q̄ a and L̄ = −2 q̄ a zᵀ (lower triangle).</summary>
    private sealed class InverseQuadraticFormOperation(int n, double[] l, int[] lIndices, int[] xIndices, double[] z) : TapeOperation
    {
        internal override void Backward(double[] adjoints, int first)
        {
            var q = adjoints[first];
            if (q == 0) return;
            var a = (double[])z.Clone();
            SolveLowerTransposedInPlace(l, n, a);
            for (var i = 0; i < n; i++)
            {
                var g = 2 * q * a[i];
                adjoints[xIndices[i]] += g;
                var ri = i * n;
                for (var j = 0; j <= i; j++) adjoints[lIndices[ri + j]] -= g * z[j];
            }
        }
    }
}
