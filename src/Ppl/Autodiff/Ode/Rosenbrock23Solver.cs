namespace Ppl.Autodiff;

/// <summary>
/// The modified Rosenbrock 2(3) triple of Shampine and Reichelt (1997, "The MATLAB ODE Suite"; MATLAB's <c>ode23s</c>),
/// d = 1/(2 + √2), e₃₂ = 6 + √2, W = I − h d J, T = ∂f/∂t:
/// <code>
/// k₁ = W⁻¹ (f(t, y) + h d T)
/// k₂ = W⁻¹ (f(t + h/2, y + h/2 k₁) − k₁) + k₁
/// y₁ = y + h k₂                                          (second order, L-stable)
/// k₃ = W⁻¹ (f(t + h, y₁) − e₃₂ (k₂ − F₁) − 2 (k₁ − F₀) + h d T)
/// error ≈ h/6 (k₁ − 2k₂ + k₃)                            (third order)
/// </code>
/// f(t + h, y₁) is the next step's f(t, y) (first same as last), and the Jacobian is taken in the same taped evaluation,
/// so an accepted step costs two evaluations on the scratch tape and one n × n LU factorisation. The formula is a
/// W-method, second order for any matrix J, which is what lets the augmented system of the forward sensitivities use
/// ∂f/∂y in every diagonal block and drop both the coupling block (second derivatives of f) and ∂/∂t of the
/// sensitivity equations: one factorisation serves the state and every sensitivity column.
/// </summary>
internal sealed class Rosenbrock23Solver : AdaptiveOdeSolver
{
    private static readonly double D = 1.0 / (2.0 + Math.Sqrt(2.0));
    private static readonly double E32 = 6.0 + Math.Sqrt(2.0);

    private readonly int _n;
    private double[] _f0, _f2, _jacobian, _ft, _jacobianNext, _ftNext;
    private readonly double[] _f1, _k1, _k2, _k3, _tmp, _err, _w;
    private readonly int[] _pivots;

    public Rosenbrock23Solver(OdeSystem system, OdeOptions options) : base(system, options)
    {
        _n = system.StateSize;
        _f0 = new double[N];
        _f1 = new double[N];
        _f2 = new double[N];
        _k1 = new double[N];
        _k2 = new double[N];
        _k3 = new double[N];
        _tmp = new double[N];
        _err = new double[N];
        _jacobian = new double[_n * _n];
        _jacobianNext = new double[_n * _n];
        _ft = new double[_n];
        _ftNext = new double[_n];
        _w = new double[_n * _n];
        _pivots = new int[_n];
    }

    protected override string Name => "Rosenbrock23";

    protected override int Order => 2;

    protected override int EstimateOrder => 2;

    protected override double[] Start(double t, double[] z)
    {
        System.Linearize(t, z, _f0, _jacobian, _ft);
        return AllFinite(_jacobian) && AllFinite(_ft) ? _f0 : [double.NaN];
    }

    protected override double Attempt(double t, double h, double[] z, double[] zNew)
    {
        var n = _n;
        var hd = h * D;
        for (var i = 0; i < n * n; i++) _w[i] = -hd * _jacobian[i];
        for (var i = 0; i < n; i++) _w[i * n + i] += 1.0;
        if (!DenseLu.Factor(_w, n, _pivots)) return double.PositiveInfinity;

        for (var i = 0; i < N; i++) _k1[i] = _f0[i];
        for (var i = 0; i < n; i++) _k1[i] += hd * _ft[i];
        SolveBlocks(_k1);
        for (var i = 0; i < N; i++) _tmp[i] = z[i] + 0.5 * h * _k1[i];
        System.Derivative(t + 0.5 * h, _tmp, _f1);
        for (var i = 0; i < N; i++) _k2[i] = _f1[i] - _k1[i];
        SolveBlocks(_k2);
        for (var i = 0; i < N; i++)
        {
            _k2[i] += _k1[i];
            zNew[i] = z[i] + h * _k2[i];
        }
        System.Linearize(t + h, zNew, _f2, _jacobianNext, _ftNext);
        for (var i = 0; i < N; i++) _k3[i] = _f2[i] - E32 * (_k2[i] - _f1[i]) - 2.0 * (_k1[i] - _f0[i]);
        for (var i = 0; i < n; i++) _k3[i] += hd * _ft[i];
        SolveBlocks(_k3);
        for (var i = 0; i < N; i++) _err[i] = h / 6.0 * (_k1[i] - 2.0 * _k2[i] + _k3[i]);
        if (!AllFinite(_jacobianNext) || !AllFinite(_ftNext)) return double.NaN;
        return ErrorNorm(_err, z, zNew);
    }

    protected override void Accepted(double t, double[] z)
    {
        (_f0, _f2) = (_f2, _f0);
        (_jacobian, _jacobianNext) = (_jacobianNext, _jacobian);
        (_ft, _ftNext) = (_ftNext, _ft);
    }

    /// <summary>Solves W x = b in place for each block of n components (the state and each sensitivity column).</summary>
    private void SolveBlocks(double[] b)
    {
        for (var start = 0; start < N; start += _n) DenseLu.Solve(_w, _n, _pivots, b.AsSpan(start, _n));
    }
}
