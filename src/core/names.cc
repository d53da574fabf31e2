#include "core/names.h"

#include <array>

namespace jc::names {
namespace {

// Weights follow the rough order of frequency in England and Wales birth registrations and the
// census across the generations alive today; the exact figures matter less than the skew.
constexpr WeightedName kFemale[] = {
    {"Margaret", 30}, {"Susan", 28},    {"Sarah", 40},     {"Elizabeth", 30}, {"Patricia", 18},
    {"Jennifer", 20}, {"Catherine", 18}, {"Christine", 18}, {"Mary", 30},      {"Jean", 14},
    {"Karen", 20},    {"Helen", 26},    {"Julie", 22},     {"Deborah", 14},   {"Emma", 40},
    {"Rebecca", 26},  {"Laura", 28},    {"Charlotte", 30}, {"Hannah", 24},    {"Sophie", 26},
    {"Amelia", 28},   {"Olivia", 32},   {"Isla", 16},      {"Ava", 20},       {"Emily", 30},
    {"Grace", 20},    {"Lily", 20},     {"Jessica", 24},   {"Victoria", 16},  {"Samantha", 16},
    {"Rachel", 20},   {"Nicola", 18},   {"Joanne", 18},    {"Claire", 20},    {"Louise", 18},
    {"Dorothy", 12},  {"Barbara", 14},  {"Joan", 12},      {"Irene", 8},      {"Pauline", 12},
    {"Valerie", 10},  {"Sandra", 14},   {"Janet", 14},     {"Anne", 22},      {"Alison", 14},
    {"Katherine", 14}, {"Frances", 8},  {"Abigail", 14},   {"Eleanor", 12},   {"Florence", 10},
    {"Alexandra", 10}, {"Josephine", 6}, {"Theresa", 8},   {"Gillian", 10},   {"Linda", 14},
    {"Priya", 6},     {"Aisha", 6},     {"Fatima", 6},     {"Zofia", 3},      {"Chloe", 22},
};

constexpr WeightedName kMale[] = {
    {"David", 40},    {"John", 40},      {"Michael", 36},  {"Paul", 28},      {"Andrew", 30},
    {"Peter", 24},    {"James", 40},     {"Robert", 30},   {"Stephen", 26},   {"Mark", 26},
    {"Richard", 26},  {"Christopher", 28}, {"William", 30}, {"Thomas", 32},   {"Daniel", 28},
    {"Matthew", 26},  {"Anthony", 20},   {"Kenneth", 10},  {"Brian", 14},     {"Alan", 16},
    {"Ian", 16},      {"Gary", 16},      {"Steven", 16},   {"Simon", 18},     {"Jonathan", 16},
    {"Benjamin", 20}, {"Samuel", 20},    {"Joseph", 22},   {"Oliver", 30},    {"Jack", 30},
    {"Harry", 26},    {"George", 26},    {"Noah", 18},     {"Charlie", 18},   {"Alfie", 14},
    {"Leo", 14},      {"Oscar", 14},     {"Henry", 16},    {"Edward", 18},    {"Frederick", 8},
    {"Albert", 8},    {"Arthur", 14},    {"Ronald", 10},   {"Raymond", 10},   {"Keith", 10},
    {"Geoffrey", 8},  {"Nicholas", 16},  {"Timothy", 12},  {"Alexander", 16}, {"Patrick", 12},
    {"Philip", 14},   {"Graham", 10},    {"Terence", 8},   {"Lawrence", 6},   {"Mohammed", 10},
    {"Arjun", 4},     {"Piotr", 3},      {"Ryan", 16},     {"Liam", 14},      {"Lewis", 12},
};

constexpr WeightedName kSurnames[] = {
    {"Smith", 60},     {"Jones", 45},     {"Williams", 34},  {"Taylor", 32},   {"Brown", 30},
    {"Davies", 28},    {"Evans", 24},     {"Wilson", 22},    {"Thomas", 21},   {"Johnson", 20},
    {"Roberts", 20},   {"Robinson", 17},  {"Thompson", 17},  {"Wright", 17},   {"Walker", 16},
    {"White", 16},     {"Edwards", 15},   {"Hughes", 15},    {"Green", 15},    {"Hall", 15},
    {"Lewis", 14},     {"Harris", 14},    {"Clarke", 14},    {"Patel", 14},    {"Jackson", 13},
    {"Wood", 13},      {"Turner", 12},    {"Martin", 12},    {"Cooper", 12},   {"Hill", 12},
    {"Ward", 11},      {"Morris", 11},    {"Moore", 11},     {"Clark", 11},    {"Lee", 11},
    {"King", 11},      {"Baker", 11},     {"Harrison", 11},  {"Morgan", 10},   {"Allen", 10},
    {"James", 10},     {"Scott", 10},     {"Phillips", 10},  {"Watson", 10},   {"Davis", 10},
    {"Parker", 10},    {"Price", 9},      {"Bennett", 9},    {"Young", 9},     {"Griffiths", 9},
    {"Mitchell", 9},   {"Kelly", 9},      {"Cook", 9},       {"Carter", 9},    {"Richardson", 9},
    {"Bailey", 8},     {"Collins", 8},    {"Bell", 8},       {"Shaw", 8},      {"Murphy", 8},
    {"Miller", 8},     {"Cox", 8},        {"Richards", 8},   {"Khan", 8},      {"Marshall", 8},
    {"Anderson", 8},   {"Simpson", 8},    {"Ellis", 8},      {"Adams", 8},     {"Singh", 8},
    {"Begum", 7},      {"Wilkinson", 7},  {"Foster", 7},     {"Chapman", 7},   {"Powell", 7},
    {"Webb", 7},       {"Rogers", 7},     {"Gray", 7},       {"Mason", 7},     {"Ali", 7},
    {"Hunt", 7},       {"Hussain", 7},    {"Campbell", 7},   {"Matthews", 7},  {"Owen", 7},
    {"Palmer", 6},     {"Holmes", 6},     {"Mills", 6},      {"Barnes", 6},    {"Knight", 6},
    {"Lloyd", 6},      {"Butler", 6},     {"Russell", 6},    {"Barker", 6},    {"Fisher", 6},
    {"Stevens", 6},    {"Jenkins", 6},    {"Murray", 6},     {"Dixon", 6},     {"Harvey", 6},
    {"Graham", 5},     {"Pearson", 5},    {"Ahmed", 5},      {"Fletcher", 5},  {"Walsh", 5},
    {"Kaur", 5},       {"Gibson", 5},     {"Howard", 5},     {"Andrews", 5},   {"Stewart", 5},
    {"Elliott", 5},    {"Reynolds", 5},   {"Saunders", 5},   {"Payne", 5},     {"Fox", 5},
    {"Ford", 5},       {"Pearce", 5},     {"Day", 5},        {"Brooks", 5},    {"West", 5},
    {"Lawrence", 5},   {"Cole", 5},       {"Atkinson", 5},   {"Bradley", 5},   {"Spencer", 5},
    {"Gill", 4},       {"Dawson", 4},     {"Ball", 4},       {"Burton", 4},    {"O'Brien", 4},
    {"Watts", 4},      {"Rose", 4},       {"Booth", 4},      {"Perry", 4},     {"Ryan", 4},
    {"Grant", 4},      {"Wells", 4},      {"Armstrong", 4},  {"Francis", 4},   {"Rees", 4},
    {"Hayes", 4},      {"Hart", 4},       {"Hudson", 4},     {"Newman", 4},    {"Barrett", 4},
    {"Webster", 4},    {"Hunter", 4},     {"Gregory", 4},    {"Carr", 4},      {"Lowe", 4},
    {"Page", 4},       {"Marsh", 4},      {"Riley", 4},      {"Dunn", 4},      {"Woods", 4},
    {"Parsons", 3},    {"Berry", 3},      {"Stone", 3},      {"Reid", 3},      {"Holland", 3},
    {"Hawkins", 3},    {"Harding", 3},    {"Porter", 3},     {"Robertson", 3}, {"Newton", 3},
    {"Oliver", 3},     {"Reed", 3},       {"Kennedy", 3},    {"Williamson", 3}, {"Bird", 3},
    {"Gardner", 3},    {"Shah", 3},       {"Dean", 3},       {"Lane", 3},      {"Cooke", 3},
    {"Bates", 3},      {"Henderson", 3},  {"Parry", 3},      {"Burgess", 3},   {"Bishop", 3},
    {"Walton", 3},     {"Burns", 3},      {"Nicholson", 3},  {"Shepherd", 3},  {"Ross", 3},
    {"Cross", 3},      {"Long", 3},       {"Freeman", 3},    {"Warren", 3},    {"Nicholls", 3},
    {"Hamilton", 3},   {"Byrne", 3},      {"Sutton", 3},     {"McDonald", 3},  {"Yates", 3},
    {"Hodgson", 3},    {"Robson", 3},     {"Curtis", 3},     {"Hopkins", 3},   {"O'Connor", 3},
    {"Harper", 3},     {"Coleman", 3},    {"Watkins", 3},    {"Moss", 3},      {"McCarthy", 3},
    {"Chambers", 3},   {"Griffin", 3},    {"Sharp", 3},      {"Hardy", 3},     {"Wheeler", 3},
    {"Potter", 3},     {"Osborne", 3},    {"Johnston", 3},   {"Gordon", 3},    {"Doyle", 3},
    {"Wallace", 3},    {"George", 3},     {"Jordan", 3},     {"Hutchinson", 3}, {"Rowe", 3},
    {"Burke", 3},      {"May", 3},        {"Pritchard", 3},  {"Gilbert", 3},   {"Willis", 3},
    {"Higgins", 3},    {"Read", 3},       {"Miles", 3},      {"Stevenson", 3}, {"Stephenson", 3},
    {"Hammond", 3},    {"Arnold", 3},     {"Buckley", 3},    {"Walters", 3},   {"Hewitt", 3},
    {"Barber", 3},     {"Nelson", 3},     {"Slater", 3},     {"Austin", 3},    {"Sullivan", 3},
    {"Whitehead", 3},  {"Mann", 3},       {"Frost", 3},      {"Lambert", 3},   {"Stephens", 3},
    {"Blake", 3},      {"Akhtar", 3},     {"Lynch", 3},      {"Goodwin", 3},   {"Barton", 3},
    {"Woodward", 3},   {"Thomson", 3},    {"Cunningham", 3}, {"Quinn", 3},     {"Barnett", 3},
    {"Baxter", 3},     {"Bibi", 3},       {"Clayton", 3},    {"Nash", 3},      {"Greenwood", 3},
    {"Jennings", 3},   {"Holt", 3},       {"Kemp", 3},       {"Poole", 3},     {"Gallagher", 3},
    {"Bond", 3},       {"Stokes", 3},     {"Tucker", 3},     {"Davidson", 3},  {"Fowler", 3},
    {"Heath", 3},      {"Norman", 3},     {"Middleton", 3},  {"Lawson", 3},    {"Banks", 3},
    {"French", 3},     {"Stanley", 3},    {"Jarvis", 3},     {"Gibbs", 3},     {"Ferguson", 3},
    {"Hayward", 3},    {"Carroll", 3},    {"Farrell", 3},    {"Sanders", 3},   {"Hooper", 3},
    {"Smith-Jones", 1}, {"Lloyd-Davies", 1}, {"Bowes-Lyon", 1}, {"Jones-Parry", 1}, {"Fitzgerald", 2},
};

constexpr std::string_view kStreets[] = {
    "Church", "Station", "Victoria", "Park", "High", "Mill", "London", "Manchester", "Chester",
    "Crewe", "Nantwich", "Congleton", "Macclesfield", "Moss", "Green", "Oak", "Elm", "Ash",
    "Beech", "Willow", "Hawthorn", "Meadow", "Brook", "Bridge", "Castle", "King", "Queen",
    "Prince", "Albert", "George", "Wellington", "Dane", "Weaver", "Bollin", "Canal", "Market",
    "School", "Chapel", "Hall", "Manor", "Grange", "Orchard", "Heath", "Hollins", "Sandy",
    "Smithy", "Well", "Windmill", "Field", "Cherry", "Birch", "Holly", "Rowan", "Sycamore",
    "Cedar", "Laburnum", "Primrose", "Bluebell", "Foxglove", "Kingfisher",
};
constexpr std::string_view kStreetKinds[] = {"Road", "Street", "Lane", "Avenue", "Close",
                                             "Drive", "Way", "Grove", "Crescent", "Court"};

constexpr NameVariant kVariants[] = {
    {"william", "bill"},       {"william", "will"},        {"william", "billy"},     {"william", "liam"},
    {"robert", "bob"},         {"robert", "rob"},          {"robert", "bobby"},      {"robert", "robbie"},
    {"richard", "dick"},       {"richard", "rick"},        {"richard", "rich"},      {"richard", "richie"},
    {"james", "jim"},          {"james", "jimmy"},         {"james", "jamie"},       {"john", "jack"},
    {"john", "johnny"},        {"michael", "mike"},        {"michael", "mick"},      {"michael", "mickey"},
    {"david", "dave"},         {"david", "davey"},         {"peter", "pete"},        {"andrew", "andy"},
    {"andrew", "drew"},        {"anthony", "tony"},        {"christopher", "chris"}, {"christopher", "kit"},
    {"stephen", "steve"},      {"steven", "steve"},        {"thomas", "tom"},        {"thomas", "tommy"},
    {"daniel", "dan"},         {"daniel", "danny"},        {"matthew", "matt"},      {"joseph", "joe"},
    {"samuel", "sam"},         {"benjamin", "ben"},        {"benjamin", "benny"},    {"edward", "ed"},
    {"edward", "eddie"},       {"edward", "ted"},          {"edward", "ned"},        {"henry", "harry"},
    {"henry", "hal"},          {"charles", "charlie"},     {"charles", "chuck"},     {"frederick", "fred"},
    {"frederick", "freddie"},  {"albert", "bert"},         {"alfred", "alf"},        {"alfred", "alfie"},
    {"arthur", "art"},         {"kenneth", "ken"},         {"kenneth", "kenny"},     {"ronald", "ron"},
    {"ronald", "ronnie"},      {"raymond", "ray"},         {"geoffrey", "geoff"},    {"nicholas", "nick"},
    {"nicholas", "nicky"},     {"timothy", "tim"},         {"alexander", "alex"},    {"alexander", "sandy"},
    {"patrick", "pat"},        {"patrick", "paddy"},       {"philip", "phil"},       {"terence", "terry"},
    {"lawrence", "larry"},     {"lawrence", "laurie"},     {"jonathan", "jon"},      {"jonathan", "jonny"},
    {"gerald", "gerry"},       {"leonard", "len"},         {"leonard", "lenny"},     {"francis", "frank"},
    {"oliver", "ollie"},       {"harold", "harry"},        {"lewis", "lew"},         {"samuel", "sammy"},
    {"margaret", "maggie"},    {"margaret", "peggy"},      {"margaret", "meg"},      {"margaret", "marge"},
    {"elizabeth", "liz"},      {"elizabeth", "beth"},      {"elizabeth", "betty"},   {"elizabeth", "lizzie"},
    {"elizabeth", "eliza"},    {"elizabeth", "bessie"},    {"susan", "sue"},         {"susan", "susie"},
    {"patricia", "pat"},       {"patricia", "trish"},      {"patricia", "patsy"},    {"jennifer", "jenny"},
    {"jennifer", "jen"},       {"catherine", "cathy"},     {"catherine", "kate"},    {"catherine", "kath"},
    {"katherine", "kate"},     {"katherine", "kathy"},     {"katherine", "katie"},   {"christine", "chris"},
    {"christine", "chrissie"}, {"mary", "molly"},          {"mary", "polly"},        {"deborah", "debbie"},
    {"deborah", "deb"},        {"rebecca", "becky"},       {"rebecca", "becca"},     {"victoria", "vicky"},
    {"victoria", "tori"},      {"samantha", "sam"},        {"samantha", "sammy"},    {"nicola", "nicky"},
    {"joanne", "jo"},          {"dorothy", "dot"},         {"dorothy", "dolly"},     {"barbara", "barb"},
    {"barbara", "babs"},       {"valerie", "val"},         {"sandra", "sandy"},      {"alison", "ali"},
    {"frances", "fran"},       {"frances", "fanny"},       {"abigail", "abby"},      {"eleanor", "ellie"},
    {"eleanor", "nell"},       {"florence", "flo"},        {"alexandra", "alex"},    {"alexandra", "sandra"},
    {"josephine", "jo"},       {"josephine", "josie"},     {"theresa", "tess"},      {"theresa", "terri"},
    {"gillian", "gill"},       {"gillian", "jill"},        {"jessica", "jess"},      {"charlotte", "lottie"},
    {"charlotte", "charlie"},  {"amelia", "millie"},       {"emily", "em"},          {"hannah", "anna"},
    {"helen", "nell"},         {"sarah", "sally"},         {"anne", "annie"},        {"linda", "lindy"},
    {"pauline", "polly"},      {"olivia", "liv"},          {"sophie", "soph"},       {"laura", "laurie"},
};

}  // namespace

std::span<const WeightedName> female_given_names() { return kFemale; }
std::span<const WeightedName> male_given_names() { return kMale; }
std::span<const WeightedName> surnames() { return kSurnames; }
std::span<const std::string_view> street_names() { return kStreets; }
std::span<const std::string_view> street_kinds() { return kStreetKinds; }
std::span<const NameVariant> given_name_variants() { return kVariants; }

}  // namespace jc::names
