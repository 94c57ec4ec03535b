namespace Ppl.Autodiff;

/// <summary>
/// The Dormand–Prince 5(4) explicit Runge–Kutta pair (Dormand and Prince 1980; Hairer, Nørsett and Wanner, Solving ODEs
/// I, II.5): seven stages, the fifth-order solution propagated (local extrapolation) and the embedded fourth-order one
/// for the error estimate; first same as last, so an accepted step costs six evaluations of the right-hand side.
/// </summary>
internal sealed class DormandPrinceSolver : AdaptiveOdeSolver
{
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;

    // The fifth-order weights minus the fourth-order ones (5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40).
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    private double[] _k1, _k7;
    private readonly double[] _k2, _k3, _k4, _k5, _k6, _tmp, _err;

    public DormandPrinceSolver(OdeSystem system, OdeOptions options) : base(system, options)
    {
        _k1 = new double[N];
        _k2 = new double[N];
        _k3 = new double[N];
        _k4 = new double[N];
        _k5 = new double[N];
        _k6 = new double[N];
        _k7 = new double[N];
        _tmp = new double[N];
        _err = new double[N];
    }

    protected override string Name => "Rk45 (Dormand–Prince)";

    protected override int Order => 5;

    protected override int EstimateOrder => 4;

    protected override double[] Start(double t, double[] z)
    {
        System.Derivative(t, z, _k1);
        return _k1;
    }

    protected override double Attempt(double t, double h, double[] z, double[] zNew)
    {
        var n = N;
        var y = _tmp;
        for (var i = 0; i < n; i++) y[i] = z[i] + h * A21 * _k1[i];
        System.Derivative(t + C2 * h, y, _k2);
        for (var i = 0; i < n; i++) y[i] = z[i] + h * (A31 * _k1[i] + A32 * _k2[i]);
        System.Derivative(t + C3 * h, y, _k3);
        for (var i = 0; i < n; i++) y[i] = z[i] + h * (A41 * _k1[i] + A42 * _k2[i] + A43 * _k3[i]);
        System.Derivative(t + C4 * h, y, _k4);
        for (var i = 0; i < n; i++) y[i] = z[i] + h * (A51 * _k1[i] + A52 * _k2[i] + A53 * _k3[i] + A54 * _k4[i]);
        System.Derivative(t + C5 * h, y, _k5);
        for (var i = 0; i < n; i++) y[i] = z[i] + h * (A61 * _k1[i] + A62 * _k2[i] + A63 * _k3[i] + A64 * _k4[i] + A65 * _k5[i]);
        System.Derivative(t + h, y, _k6);
        for (var i = 0; i < n; i++) zNew[i] = z[i] + h * (B1 * _k1[i] + B3 * _k3[i] + B4 * _k4[i] + B5 * _k5[i] + B6 * _k6[i]);
        System.Derivative(t + h, zNew, _k7);
        for (var i = 0; i < n; i++)
            _err[i] = h * (E1 * _k1[i] + E3 * _k3[i] + E4 * _k4[i] + E5 * _k5[i] + E6 * _k6[i] + E7 * _k7[i]);
        return ErrorNorm(_err, z, zNew);
    }

    protected override void Accepted(double t, double[] z) => (_k1, _k7) = (_k7, _k1);

    protected override bool HasDenseOutput => true;

    /// <summary>
    /// The fourth-order continuous extension (Shampine 1986; Hairer, Nørsett and Wanner II.6; the coefficients of SciPy's
    /// RK45): y(t + xh) = y + h Σₛ kₛ Σⱼ Pₛⱼ x^{j+1}, which equals the step's solution at x = 1 and has derivative k₁ at
    /// x = 0 and k₇ at x = 1.
    /// </summary>
    protected override void Interpolate(double fraction, double h, double[] z, double[] output)
    {
        var x = fraction;
        double Weight(int s) => x * (P[s, 0] + x * (P[s, 1] + x * (P[s, 2] + x * P[s, 3])));
        double w1 = Weight(0), w3 = Weight(2), w4 = Weight(3), w5 = Weight(4), w6 = Weight(5), w7 = Weight(6);
        for (var i = 0; i < N; i++)
            output[i] = z[i] + h * (w1 * _k1[i] + w3 * _k3[i] + w4 * _k4[i] + w5 * _k5[i] + w6 * _k6[i] + w7 * _k7[i]);
    }

    private static readonly double[,] P =
    {
        { 1, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608, -12715105075.0 / 11282082432 },
        { 0, 0, 0, 0 },
        { 0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933, 87487479700.0 / 32700410799 },
        { 0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304, -10690763975.0 / 1880347072 },
        { 0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408, 701980252875.0 / 199316789632 },
        { 0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844 },
        { 0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423 },
    };
}
