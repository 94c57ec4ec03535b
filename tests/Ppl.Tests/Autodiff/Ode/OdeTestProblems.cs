using Ppl.Autodiff;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary>
/// The test problems of the ODE solver tests, each as the <see cref="RealOdeRhs"/> the differentiating solvers take and,
/// where a value-level solve is the reference, the same function over doubles; closed forms; an independent
/// fixed-step reference integrator; and the gradient of a weighted sum of a differentiated solution's outputs.
/// </summary>
internal static class OdeTestProblems
{
    /// <summary>y′ = −θ₀ y (componentwise).</summary>
    public static readonly RealOdeRhs Decay = (t, y, th, dy) =>
    {
        for (var i = 0; i < y.Length; i++) dy[i] = -th[0] * y[i];
    };

    /// <summary>y′ = −θ₀ y over doubles.</summary>
    public static readonly OdeRhs DecayValues = (t, y, th, dy) =>
    {
        for (var i = 0; i < y.Length; i++) dy[i] = -th[0] * y[i];
    };

    /// <summary>x′ = v, v′ = −ω² x with ω = θ₀.</summary>
    public static readonly OdeRhs OscillatorValues = (t, y, th, dy) =>
    {
        dy[0] = y[1];
        dy[1] = -th[0] * th[0] * y[0];
    };

    /// <summary>x′ = v, v′ = −ω² x with ω = θ₀, over <see cref="Real"/>.</summary>
    public static readonly RealOdeRhs Oscillator = (t, y, th, dy) =>
    {
        dy[0] = y[1];
        dy[1] = -th[0] * th[0] * y[0];
    };

    /// <summary>Lotka–Volterra: x′ = αx − βxy, y′ = δxy − γy with θ = (α, β, γ, δ).</summary>
    public static readonly RealOdeRhs LotkaVolterra = (t, y, th, dy) =>
    {
        dy[0] = th[0] * y[0] - th[1] * y[0] * y[1];
        dy[1] = th[3] * y[0] * y[1] - th[2] * y[1];
    };

    /// <summary>Lotka–Volterra over doubles.</summary>
    public static readonly OdeRhs LotkaVolterraValues = (t, y, th, dy) =>
    {
        dy[0] = th[0] * y[0] - th[1] * y[0] * y[1];
        dy[1] = th[3] * y[0] * y[1] - th[2] * y[1];
    };

    /// <summary>The stiff forced decay y′ = −λ (y − cos t), λ = θ₀.</summary>
    public static readonly RealOdeRhs ForcedStiff = (t, y, th, dy) => dy[0] = -th[0] * (y[0] - RealMath.Cos(t));

    /// <summary>y′ = −λ (y − cos t) over doubles.</summary>
    public static readonly OdeRhs ForcedStiffValues = (t, y, th, dy) => dy[0] = -th[0] * (y[0] - Math.Cos(t));

    /// <summary>
    /// The closed form of y′ = −λ (y − cos t), y(0) = y₀: A cos t + B sin t + (y₀ − A) e^{−λt} with A = λ²/(λ² + 1),
    /// B = λ/(λ² + 1); and its derivatives towards y₀ and λ.
    /// </summary>
    public static (double Value, double DY0, double DLambda) ForcedStiffExact(double lambda, double y0, double t)
    {
        var q = lambda * lambda + 1;
        var a = lambda * lambda / q;
        var b = lambda / q;
        var da = 2 * lambda / (q * q);
        var db = (1 - lambda * lambda) / (q * q);
        var e = Math.Exp(-lambda * t);
        var value = a * Math.Cos(t) + b * Math.Sin(t) + (y0 - a) * e;
        var dLambda = da * Math.Cos(t) + db * Math.Sin(t) - da * e - t * (y0 - a) * e;
        return (value, e, dLambda);
    }

    /// <summary>Robertson's chemical kinetics with rate constants θ = (0.04, 3e7, 1e4) in the classic problem.</summary>
    public static readonly RealOdeRhs Robertson = (t, y, th, dy) =>
    {
        var r1 = th[0] * y[0];
        var r2 = th[1] * y[1] * y[1];
        var r3 = th[2] * y[1] * y[2];
        dy[0] = -r1 + r3;
        dy[1] = r1 - r2 - r3;
        dy[2] = r2;
    };

    /// <summary>y′ = A y for a constant matrix A (row-major in θ, n × n).</summary>
    public static readonly RealOdeRhs Linear = (t, y, th, dy) =>
    {
        var n = y.Length;
        for (var i = 0; i < n; i++)
        {
            Real s = 0.0;
            for (var k = 0; k < n; k++) s += th[i * n + k] * y[k];
            dy[i] = s;
        }
    };

    /// <summary>
    /// The reference the adaptive solvers are checked against where no closed form exists: the classical fourth-order
    /// Runge–Kutta method with a fixed step (another tableau, no error control, none of the solvers' code), so an
    /// error in the Dormand–Prince coefficients, the step control or the output handling cannot cancel out.
    /// </summary>
    public static double[][] ClassicalRk4(OdeRhs f, double[] y0, double[] theta, double t0, double[] times, double h)
    {
        var n = y0.Length;
        var y = (double[])y0.Clone();
        double[] k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n], tmp = new double[n];
        var t = t0;
        var outputs = new double[times.Length][];
        for (var k = 0; k < times.Length; k++)
        {
            var steps = (int)Math.Ceiling((times[k] - t) / h - 1e-9);
            var step = steps > 0 ? (times[k] - t) / steps : 0;
            for (var s = 0; s < steps; s++)
            {
                f(t, y, theta, k1);
                for (var i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * step * k1[i];
                f(t + 0.5 * step, tmp, theta, k2);
                for (var i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * step * k2[i];
                f(t + 0.5 * step, tmp, theta, k3);
                for (var i = 0; i < n; i++) tmp[i] = y[i] + step * k3[i];
                f(t + step, tmp, theta, k4);
                for (var i = 0; i < n; i++) y[i] += step / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
                t += step;
            }
            t = times[k];
            outputs[k] = (double[])y.Clone();
        }
        return outputs;
    }

    /// <summary>Σₖ Σᵢ wₖᵢ yₖᵢ over the outputs, with fixed pseudo-random weights so every output's partials count.</summary>
    public static double Weighted(IReadOnlyList<double[]> states)
    {
        double s = 0;
        for (var k = 0; k < states.Count; k++)
            for (var i = 0; i < states[k].Length; i++) s += Weight(k, i) * states[k][i];
        return s;
    }

    /// <summary>The same weighted sum over a differentiated solution, on the tape.</summary>
    public static Real Weighted(IReadOnlyList<Real[]> states)
    {
        Real s = 0.0;
        for (var k = 0; k < states.Count; k++)
            for (var i = 0; i < states[k].Length; i++) s += Weight(k, i) * states[k][i];
        return s;
    }

    private static double Weight(int k, int i) => 0.5 + 0.37 * ((k * 7 + i * 3) % 5);

    /// <summary>
    /// The gradient of <see cref="Weighted(IReadOnlyList{Real[]})"/> of <paramref name="solve"/>'s solution towards
    /// y₀ then θ (every entry a variable), by one backward sweep.
    /// </summary>
    public static double[] Gradient(Func<Real[], Real[], OdeResult<Real>> solve, double[] y0, double[] theta)
    {
        var tape = Tape.Current;
        tape.Reset();
        var y = y0.Select(tape.Variable).ToArray();
        var th = theta.Select(tape.Variable).ToArray();
        var result = solve(y, th);
        tape.Backward(Weighted(result.States));
        var g = y.Concat(th).Select(tape.Adjoint).ToArray();
        tape.Reset();
        return g;
    }
}
