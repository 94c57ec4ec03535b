namespace Ppl;

/// <summary>
/// The numerical derivative used where no tape sees the arithmetic (double choices of dynamic and, for
/// now, generated models): a central difference with one Richardson step, (4·D(h/2) − D(h)) / 3.
/// </summary>
internal static class NumericDerivative
{
    /// <summary>d f / d x at <paramref name="x"/>; a NaN result is an error naming the choice.</summary>
    public static double AtChoice(Func<double, double> f, double x, Address address)
    {
        var h = 1e-3 * Math.Max(1.0, Math.Abs(x));
        double D(double step) => (f(x + step) - f(x - step)) / (2 * step);
        var d = (4 * D(h / 2) - D(h)) / 3;
        if (double.IsNaN(d))
            throw new ModelException($"The gradient with respect to the choice at '{address}' (value {x}) is NaN.", address);
        return d;
    }
}
