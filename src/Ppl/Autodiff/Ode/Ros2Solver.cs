namespace Ppl.Autodiff;

/// <summary>
/// ROS2, the two-stage, L-stable, second-order Rosenbrock method of Verwer, Spee, Blom and Hundsdorfer (1999, "A
/// second-order Rosenbrock method applied to photochemical dispersion problems"), γ = 1 + 1/√2:
/// <code>
/// (I − γhJ) k₁ = f(t, y) + γh ∂f/∂t
/// (I − γhJ) k₂ = f(t + h, y + h k₁) − 2k₁ − γh ∂f/∂t
/// y₁ = y + h (3/2 k₁ + 1/2 k₂)
/// </code>
/// with the linearly implicit Euler solution y + h k₁ as the embedded first-order one (error estimate h (k₁ + k₂)/2).
/// It is a W-method: second order for any matrix J, which is what lets the augmented system of the forward
/// sensitivities use ∂f/∂y in every diagonal block and drop the coupling block (second derivatives of f) and ∂/∂t of
/// the sensitivity equations: one n × n factorisation per step serves the state and all the sensitivity columns.
/// One taped evaluation per stage (two per accepted step); a rejected step reuses the first.
/// </summary>
internal sealed class Ros2Solver : AdaptiveOdeSolver
{
    private static readonly double Gamma = 1.0 + 1.0 / Math.Sqrt(2.0);

    private readonly int _n;
    private readonly double[] _f0, _f1, _k1, _k2, _tmp, _err, _jacobian, _ft, _w;
    private readonly int[] _pivots;
    private bool _linearized;

    public Ros2Solver(OdeSystem system, OdeOptions options) : base(system, options)
    {
        _n = system.StateSize;
        _f0 = new double[N];
        _f1 = new double[N];
        _k1 = new double[N];
        _k2 = new double[N];
        _tmp = new double[N];
        _err = new double[N];
        _jacobian = new double[_n * _n];
        _ft = new double[_n];
        _w = new double[_n * _n];
        _pivots = new int[_n];
    }

    protected override string Name => "Rosenbrock (ROS2)";

    protected override int Order => 2;

    protected override int EstimateOrder => 1;

    protected override double[] Start(double t, double[] z)
    {
        System.Linearize(t, z, _f0, _jacobian, _ft);
        _linearized = true;
        return _f0;
    }

    protected override double Attempt(double t, double h, double[] z, double[] zNew)
    {
        var n = _n;
        if (!_linearized)
        {
            System.Linearize(t, z, _f0, _jacobian, _ft);
            _linearized = true;
        }
        if (!AllFinite(_f0) || !AllFinite(_jacobian) || !AllFinite(_ft)) return double.NaN;
        var gh = Gamma * h;
        for (var i = 0; i < n * n; i++) _w[i] = -gh * _jacobian[i];
        for (var i = 0; i < n; i++) _w[i * n + i] += 1.0;
        if (!DenseLu.Factor(_w, n, _pivots)) return double.PositiveInfinity;

        for (var i = 0; i < N; i++) _k1[i] = _f0[i];
        for (var i = 0; i < n; i++) _k1[i] += gh * _ft[i];
        SolveBlocks(_k1);
        for (var i = 0; i < N; i++) _tmp[i] = z[i] + h * _k1[i];
        System.Derivative(t + h, _tmp, _f1);
        for (var i = 0; i < N; i++) _k2[i] = _f1[i] - 2.0 * _k1[i];
        for (var i = 0; i < n; i++) _k2[i] -= gh * _ft[i];
        SolveBlocks(_k2);
        for (var i = 0; i < N; i++)
        {
            zNew[i] = z[i] + h * (1.5 * _k1[i] + 0.5 * _k2[i]);
            _err[i] = 0.5 * h * (_k1[i] + _k2[i]);
        }
        return ErrorNorm(_err, z, zNew);
    }

    protected override void Accepted(double t, double[] z) => _linearized = false;

    /// <summary>Solves (I − γhJ) x = b in place for each block of n components (the state and each sensitivity column).</summary>
    private void SolveBlocks(double[] b)
    {
        for (var start = 0; start < N; start += _n) DenseLu.Solve(_w, _n, _pivots, b.AsSpan(start, _n));
    }
}
