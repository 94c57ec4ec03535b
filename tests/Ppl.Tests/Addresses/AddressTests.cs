using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Ppl.Tests.Addresses;

public class AddressTests
{
    [Fact]
    public void BuildCompareAndPrint()
    {
        Address a = "y";
        var b = a / 3;
        Assert.Equal("y/3", b.ToString());
        Assert.Equal(new Address("y", 3), b);
        Assert.Equal(b, Address.Parse("y/3"));
        Assert.NotEqual(Address.Parse("y/3"), Address.Parse("y/x"));
        Assert.True(b.StartsWith("y"));
        Assert.Equal((Address)3, b.Rest);
        Assert.Equal(2, (b / "z").Rest.Length);
    }

    [Property]
    public Property ParseRoundTrips(NonNegativeInt i, PositiveInt j)
    {
        var a = new Address("step", i.Get, "x", j.Get);
        return (Address.Parse(a.ToString()) == a && a.GetHashCode() == Address.Parse(a.ToString()).GetHashCode()).ToProperty();
    }

    [Fact]
    public void SegmentsMustNotContainSlashes()
    {
        Assert.Throws<ArgumentException>(() => new AddressSegment("a/b"));
    }
}
