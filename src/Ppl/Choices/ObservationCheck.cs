namespace Ppl;

/// <summary>
/// Checks observed values before a run: a NaN given as data is an error naming its address, never a run whose
/// every particle or chain silently has density zero (a NaN value has density zero under every family).
/// </summary>
public static class ObservationCheck
{
    /// <summary>Throws <see cref="ModelException"/> naming the address when a value in <paramref name="observations"/> is or contains NaN.</summary>
    /// <param name="observations">The observed values.</param>
    /// <param name="model">The model's name, for the message.</param>
    public static void RequireNoNaN(ChoiceMap observations, string model)
    {
        ArgumentNullException.ThrowIfNull(observations);
        foreach (var (address, value) in observations.Leaves)
        {
            var nan = value switch
            {
                double d => double.IsNaN(d),
                float f => float.IsNaN(f),
                double[] a => Array.Exists(a, double.IsNaN),
                _ => false,
            };
            if (nan)
                throw new ModelException($"The observation at '{address}' given to model '{model}' is {ValueConversion.Describe(value)}: NaN is not a value (leave out a missing observation).", address);
        }
    }
}
