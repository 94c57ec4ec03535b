using Ppl.Distributions;
using Ppl.Dynamic;
using Ppl.Modeling;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The distribution of a choice in a trace, for kernels that read it (enumerative Gibbs its support,
/// elliptical slice its Normal prior): a dynamic trace records it; a generated model's differentiable form
/// is run once with the trace's values to find it.
/// </summary>
internal static class SiteDistributions
{
    /// <summary>The distribution of the choice at <paramref name="address"/> in <paramref name="trace"/>, at the trace's values.</summary>
    public static IDistribution Of<TArgs, TRet>(ITrace<TArgs, TRet> trace, Address address, string kernel)
    {
        if (trace is DynamicTrace<TArgs, TRet> dt)
        {
            if (dt.ChoiceRecords.TryGetValue(address, out var record)) return record.Distribution;
            throw new ArgumentException($"{kernel}: '{trace.GenerativeFunction.Name}' has no top-level choice at '{address}'{Closest(trace, address)}.");
        }
        if (trace.GenerativeFunction is IHasDifferentiableForm<TArgs> f)
        {
            if (f.DifferentiableForm is not { } body)
                throw new NotSupportedException($"{kernel} reads the distribution at '{address}', and '{trace.GenerativeFunction.Name}' has no differentiable form to read it from: {f.DifferentiableFormMissingReason} (PPL0012).");
            return DifferentiableContext.SiteDistribution(trace.GenerativeFunction.Name, body, trace.Args, trace.Choices, address)
                   ?? throw new ArgumentException($"{kernel}: '{trace.GenerativeFunction.Name}' has no choice at '{address}'{Closest(trace, address)}.");
        }
        throw new NotSupportedException($"{kernel} needs a dynamic model or a generated [Model]; '{trace.GenerativeFunction.Name}' produced a {trace.GetType().Name}.");
    }

    private static string Closest<TArgs, TRet>(ITrace<TArgs, TRet> trace, Address address)
    {
        var all = trace.Choices.Leaves.Select(l => l.Address).ToList();
        return AddressSuggestions.Closest(address, all) is { } c ? $" (the closest is '{c}')" : "";
    }
}
