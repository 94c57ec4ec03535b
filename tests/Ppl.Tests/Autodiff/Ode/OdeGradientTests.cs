using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Ode.OdeTestProblems;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff.Ode;

/// <summary>
/// Gradients of the differentiated solvers (forward sensitivities) against closed forms and against five-point central
/// differences of the value-level Rk45 at tight tolerances (its error, ~1e-12, divided by the difference step stays far
/// below the tolerances asserted).
/// </summary>
public class OdeGradientTests
{
    private static readonly OdeOptions Tight = new() { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-12 };
    private static readonly OdeOptions ReferenceTolerance = new() { RelativeTolerance = 1e-13, AbsoluteTolerance = 1e-14 };

    [Fact]
    public void ExponentialDecayGradientMatchesItsClosedFormForBothSolvers()
    {
        double[] times = [0.5, 2];
        const double y0 = 1.7, k = 0.8;
        foreach (var (solver, tol) in new (Func<Real[], Real[], OdeResult<Real>>, double)[]
                 {
                     ((y, th) => OdeSolver.Rk45(Decay, y, th, 0, times, Tight), 1e-8),
                     // Second order: its global error at this tolerance is a few 1e-7.
                     ((y, th) => OdeSolver.Rosenbrock(Decay, y, th, 0, times, new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-12 }), 1e-6),
                 })
        {
            var tape = Tape.Current;
            foreach (var (time, index) in times.Select((t, i) => (t, i)))
            {
                tape.Reset();
                var yv = tape.Variable(y0);
                var kv = tape.Variable(k);
                var r = solver([yv], [kv]);
                tape.Backward(r[index][0]);
                Close(y0 * Math.Exp(-k * time), r[index][0].Value, tol, $"y at t={time}");
                Close(Math.Exp(-k * time), tape.Adjoint(yv), tol, $"∂y/∂y0 at t={time}");
                Close(-time * y0 * Math.Exp(-k * time), tape.Adjoint(kv), tol, $"∂y/∂k at t={time}");
            }
            tape.Reset();
        }
    }

    [Fact]
    public void LotkaVolterraGradientTowardsInitialStateAndParametersMatchesFiniteDifferences()
    {
        double[] theta = [1.1, 0.4, 0.4, 0.1], y0 = [10, 5], times = [1, 4, 8];
        var g = Gradient((y, th) => OdeSolver.Rk45(LotkaVolterra, y, th, 0, times, Tight), y0, theta);
        var all = y0.Concat(theta).ToArray();
        double Value(double[] p) => Weighted(OdeSolver.Rk45(LotkaVolterraValues, p[..2], p[2..], 0, times, ReferenceTolerance).States);
        for (var i = 0; i < all.Length; i++)
            Close(Partial(Value, all, i, 1e-3), g[i], 1e-6, $"∂/∂{(i < 2 ? $"y0[{i}]" : $"theta[{i - 2}]")}");
    }

    [Fact]
    public void RosenbrockGradientOfTheStiffForcedDecayMatchesItsClosedForm()
    {
        const double lambda = 1000, y0 = 0.3;
        double[] times = [0.002, 1, 3];
        var tape = Tape.Current;
        for (var k = 0; k < times.Length; k++)
        {
            tape.Reset();
            var yv = tape.Variable(y0);
            var lv = tape.Variable(lambda);
            var r = OdeSolver.Rosenbrock(ForcedStiff, [yv], [lv], 0, times, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
            var exact = ForcedStiffExact(lambda, y0, times[k]);
            Close(exact.Value, r[k][0].Value, 1e-6, $"y at t={times[k]}");
            tape.Backward(r[k][0]);
            Close(exact.DY0, tape.Adjoint(yv), 1e-6, $"∂y/∂y0 at t={times[k]}");
            // ∂y/∂λ is O(1e-6) here; compare absolutely against its scale.
            Assert.True(Math.Abs(exact.DLambda - tape.Adjoint(lv)) < 1e-3 * Math.Abs(exact.DLambda) + 1e-11,
                $"∂y/∂λ at t={times[k]}: expected {exact.DLambda:R}, got {tape.Adjoint(lv):R}");
        }
        tape.Reset();
    }

    [Fact]
    public void RosenbrockGradientOfANonlinearProblemMatchesFiniteDifferencesOfRk45()
    {
        // A mildly stiff nonlinear problem, so that the coupling block the W-method drops (second derivatives of f) is not zero.
        double[] theta = [1.1, 0.4, 0.4, 0.1], y0 = [10, 5], times = [1, 3];
        var g = Gradient((y, th) => OdeSolver.Rosenbrock(LotkaVolterra, y, th, 0, times, new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-11 }), y0, theta);
        var all = y0.Concat(theta).ToArray();
        double Value(double[] p) => Weighted(OdeSolver.Rk45(LotkaVolterraValues, p[..2], p[2..], 0, times, ReferenceTolerance).States);
        for (var i = 0; i < all.Length; i++) Close(Partial(Value, all, i, 1e-3), g[i], 1e-5, $"∂/∂input {i}");
    }

    [Fact]
    public void EachOutputValueIsOneTapeNodeAndConstantInputsGetNoSensitivity()
    {
        double[] times = [1, 2, 3, 4, 5];
        var tape = Tape.Current;
        tape.Reset();
        var a = tape.Variable(1.1);
        Real[] theta = [a, 0.4, 0.4, 0.1];
        Real[] y0 = [10.0, 5.0];
        var before = tape.Count;
        var r = OdeSolver.Rk45(LotkaVolterra, y0, theta, 0, times, Tight);
        Assert.Equal(before + times.Length * 2, tape.Count);
        // Only α is a variable: its column alone is integrated, and the result matches the all-variable solve's.
        tape.Backward(Weighted(r.States));
        var onlyAlpha = tape.Adjoint(a);
        var full = Gradient((y, th) => OdeSolver.Rk45(LotkaVolterra, y, th, 0, times, Tight), [10, 5], [1.1, 0.4, 0.4, 0.1]);
        Close(full[2], onlyAlpha, 1e-7, "∂/∂α");
        tape.Reset();
    }

    [Fact]
    public void TheCallersTapeIsUntouchedByTheJacobians()
    {
        // The right-hand side runs on a scratch tape: nodes recorded before the solve keep their gradient.
        var tape = Tape.Current;
        tape.Reset();
        var x = tape.Variable(0.5);
        var before = x * x;
        var r = OdeSolver.Rosenbrock(Decay, [before], [x], 0, [1.0]);
        var total = r[0][0] + before;
        tape.Backward(total);
        // y(1) = x² e^{−x}: d/dx = 2x e^{−x} − x² e^{−x}; plus d(x²)/dx = 2x.
        Close(2 * 0.5 * Math.Exp(-0.5) - 0.25 * Math.Exp(-0.5) + 1.0, tape.Adjoint(x), 1e-5, "d/dx");
        tape.Reset();
    }

    [Fact]
    public void ALogLikelihoodOfNoisyObservationsIsDifferentiatedThroughTheSolution()
    {
        // The use in a model: log-scale parameters, the solution, then a normal likelihood of observed populations.
        double[] times = [0.5, 1.5, 3, 6];
        double[][] observed = [[11.5, 4.1], [12.0, 7.3], [6.2, 11.8], [4.0, 4.9]];
        double[] logTheta = [Math.Log(1.1), Math.Log(0.4), Math.Log(0.4), Math.Log(0.1)];
        const double sigma = 0.8;
        var tape = Tape.Current;
        tape.Reset();
        var lt = logTheta.Select(tape.Variable).ToArray();
        var r = OdeSolver.Rk45(LotkaVolterra, [10.0, 5.0], lt.Select(RealMath.Exp).ToArray(), 0, times, Tight);
        Real logLik = 0.0;
        for (var k = 0; k < times.Length; k++)
            for (var i = 0; i < 2; i++) logLik += RealDensity.Normal(observed[k][i], r[k][i], sigma);
        tape.Backward(logLik);
        var g = lt.Select(tape.Adjoint).ToArray();
        tape.Reset();
        double Value(double[] p)
        {
            var states = OdeSolver.Rk45(LotkaVolterraValues, [10.0, 5.0], p.Select(Math.Exp).ToArray(), 0, times, ReferenceTolerance).States;
            double s = 0;
            for (var k = 0; k < times.Length; k++)
                for (var i = 0; i < 2; i++)
                {
                    var z = (observed[k][i] - states[k][i]) / sigma;
                    s += -0.5 * z * z - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
                }
            return s;
        }
        Close(Value(logTheta), logLik.Value, 1e-8, "log-likelihood");
        for (var i = 0; i < logTheta.Length; i++) Close(Partial(Value, logTheta, i, 1e-3), g[i], 1e-6, $"∂/∂log θ{i}");
    }
}
