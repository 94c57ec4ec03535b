namespace Ppl;

/// <summary>
/// The root of Ppl's exceptions. Catch it to handle every error Ppl raises about a model or an inference run:
/// <list type="bullet">
/// <item><see cref="ModelException"/>: a model or a call on the generative function interface went wrong (a NaN
/// observation, two choices at one address, constraints the model never visits, an address that does not exist);
/// its subclasses are <see cref="DistributionParameterException"/> (invalid parameters at a site),
/// <see cref="UnvisitedConstraintsException"/>, <see cref="UnknownAddressException"/> (a misspelled address or
/// selection), <see cref="ModelCodeException"/> (the model's own code threw; the original is the inner exception) and
/// <see cref="OdeSolverException"/> (an ODE solve failed at a time and step size, for a reason).</item>
/// <item><see cref="InferenceException"/>: an algorithm could not go on (no finite starting point, every particle
/// weight zero, a step size that could not be found).</item>
/// </list>
/// Runs over several chains or particles rethrow the first error as it is (never an <see cref="AggregateException"/>),
/// with <see cref="Chain"/> or <see cref="Particle"/> set and named in the message. Misuse of an API (a null argument,
/// a negative count) stays an <see cref="ArgumentException"/>, as everywhere in .NET.
/// </summary>
public abstract class PplException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected PplException(string message, Address? address, Exception? inner) : base(message, inner)
    {
        Address = address;
    }

    /// <summary>The address concerned, when there is one.</summary>
    public Address? Address { get; }

    /// <summary>The chain (0-based) in which the error happened, when it happened in one of several chains.</summary>
    public int? Chain { get; private set; }

    /// <summary>The particle (0-based) in which the error happened, when it happened in one of several particles.</summary>
    public long? Particle { get; private set; }

    /// <summary>The message, with the chain and particle when they are known.</summary>
    public override string Message => (Chain, Particle) switch
    {
        (null, null) => base.Message,
        ({ } c, null) => $"{base.Message} (chain {c})",
        (null, { } p) => $"{base.Message} (particle {p})",
        ({ } c, { } p) => $"{base.Message} (chain {c}, particle {p})",
    };

    /// <summary>Records the chain the error happened in (the innermost runner's index is kept: set once).</summary>
    public PplException InChain(int chain)
    {
        Chain ??= chain;
        return this;
    }

    /// <summary>Records the particle the error happened in (the innermost runner's index is kept: set once).</summary>
    public PplException InParticle(long particle)
    {
        Particle ??= particle;
        return this;
    }
}
